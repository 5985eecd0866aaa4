package org.sparkadadelta.spark.data;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Any DataFrame with a label column and a vector column or numeric columns. */
final class DatasetSource implements BlockSource {
    /** Carries each row's file (empty when not read from files) so errors can name it. */
    static final String FILE_COLUMN = "__sparkadadelta_input_file";

    private final JavaRDD<Row> rows;
    private final ColumnPlan plan;
    private final int numFeatures;
    private final String description;

    private DatasetSource(JavaRDD<Row> rows, ColumnPlan plan, int numFeatures, String description) {
        this.rows = rows;
        this.plan = plan;
        this.numFeatures = numFeatures;
        this.description = description;
    }

    /**
     * @param parseText   accept string columns and parse them (CSV), instead of a type error
     * @param numFeatures the feature count every row must have, or 0 for "as the first row"
     */
    static DatasetSource of(Dataset<Row> df, String featuresCol, List<String> featureCols, String labelCol,
            int numFeatures, boolean parseText, String description) {
        Dataset<Row> withFile = df.withColumn(FILE_COLUMN, functions.input_file_name());
        ColumnPlan plan = ColumnPlan.resolve(withFile.schema(), emptyToNull(featuresCol),
                featureCols == null ? List.of() : featureCols,
                labelCol == null || labelCol.isBlank() ? DataSpec.DEFAULT_LABEL_COL : labelCol,
                parseText, FILE_COLUMN, description);
        Column[] selected = Stream.concat(plan.columns().stream(), Stream.of(FILE_COLUMN))
                .map(DatasetSource::column).toArray(Column[]::new);
        return new DatasetSource(withFile.select(selected).toJavaRDD(), plan, numFeatures, description);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A column by its exact name, even one with dots or spaces. */
    private static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public JavaRDD<DenseBlock> blocks(int blockRows) {
        ColumnPlan p = plan;
        int expected = numFeatures;
        return rows.mapPartitionsWithIndex(
                (partition, it) -> new BlockIterator(new DatasetRowCursor(p, partition, it), blockRows, expected, 0),
                true);
    }

    @Override
    public long rowsBefore(int partition) {
        return rows.mapPartitionsWithIndex((p, it) -> {
            long n = 0;
            for (; p < partition && it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }, true).collect().stream().mapToLong(Long::longValue).sum();
    }
}
