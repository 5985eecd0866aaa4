package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Any DataFrame with a label column and a vector column or numeric columns. */
final class DatasetSource implements BlockSource {
    /** Carries each row's file (empty when not read from files) so errors can name it. */
    static final String FILE_COLUMN = "__sparkadadelta_input_file";
    /** The byte where the row's part of its file starts, to count rows from the start of the file. */
    static final String PART_COLUMN = "__sparkadadelta_input_part";
    /** Spark's CSV reader puts a malformed record's text here (wrong column count, unparsable value). */
    static final String MALFORMED_COLUMN = "__sparkadadelta_malformed";
    /** A constant label for data to score that has none (not a column of the file). */
    static final String NO_LABEL_COLUMN = "__sparkadadelta_no_label";

    private final JavaRDD<Row> rows;
    private final ColumnPlan plan;
    private final int numFeatures;
    private final String description;
    private final TextRecordLines lines;
    private final CsvColumns csv;
    private final Configuration conf;
    private final Weights weights;

    /** The sample-weight column: its name, and its index in the selected rows (after the loader's own columns). */
    private record Weights(String column, int index) implements java.io.Serializable {
    }

    private DatasetSource(JavaRDD<Row> rows, ColumnPlan plan, int numFeatures, String description,
            TextRecordLines lines, CsvColumns csv, Configuration conf, Weights weights) {
        this.weights = weights;
        this.rows = rows;
        this.plan = plan;
        this.numFeatures = numFeatures;
        this.description = description;
        this.lines = lines;
        this.csv = csv;
        this.conf = conf;
    }

    /**
     * @param parseText   accept string columns and parse them (CSV), instead of a type error
     * @param numFeatures the feature count every row must have, or 0 for "as the first row"
     * @param lines       how to find a bad record's line in its file (CSV, LibSVM), or null to count rows
     * @param separator   the CSV separator, to count a malformed record's columns
     * @param weightCol   the numeric sample-weight column (never a feature), or null
     */
    static DatasetSource of(Dataset<Row> df, String featuresCol, List<String> featureCols, String labelCol,
            String weightCol, int numFeatures, boolean parseText, String description, TextRecordLines lines,
            char separator) {
        Dataset<Row> withFile = df.withColumn(FILE_COLUMN, functions.input_file_name())
                .withColumn(PART_COLUMN, functions.input_file_block_start());
        boolean malformed = Arrays.asList(df.columns()).contains(MALFORMED_COLUMN);
        ColumnPlan plan = ColumnPlan.resolve(withFile.schema(), emptyToNull(featuresCol),
                featureCols == null ? List.of() : featureCols,
                labelCol == null || labelCol.isBlank() ? DataSpec.DEFAULT_LABEL_COL : labelCol,
                parseText, weightCol == null ? Set.of(FILE_COLUMN, PART_COLUMN, MALFORMED_COLUMN)
                        : Set.of(FILE_COLUMN, PART_COLUMN, MALFORMED_COLUMN, weightCol), description);
        List<String> own = malformed ? List.of(FILE_COLUMN, PART_COLUMN, MALFORMED_COLUMN)
                : List.of(FILE_COLUMN, PART_COLUMN);
        Weights weights = null;
        if (weightCol != null) {
            requireNumeric(withFile.schema(), weightCol, parseText, description);
            weights = new Weights(weightCol, plan.columns().size() + own.size());
        }
        Column[] selected = Stream.concat(Stream.concat(plan.columns().stream(), own.stream()),
                weightCol == null ? Stream.<String>empty() : Stream.of(weightCol))
                .map(DatasetSource::column).toArray(Column[]::new);
        CsvColumns csv = malformed ? new CsvColumns(Arrays.stream(df.columns())
                .filter(c -> !c.equals(MALFORMED_COLUMN) && !c.equals(NO_LABEL_COLUMN)).toList(), separator) : null;
        return new DatasetSource(withFile.select(selected).toJavaRDD(), plan, numFeatures, description, lines, csv,
                df.sparkSession().sparkContext().hadoopConfiguration(), weights);
    }

    /** The weight column must exist and hold numbers (or text to parse, for CSV). */
    private static void requireNumeric(org.apache.spark.sql.types.StructType schema, String column, boolean parseText,
            String description) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new DataValidationException("No weight column '" + column + "' in " + description
                    + "; available columns: " + Arrays.stream(schema.fieldNames()).filter(c -> !c.startsWith("__"))
                    .toList());
        }
        org.apache.spark.sql.types.DataType type = schema.apply(column).dataType();
        if (!(type instanceof org.apache.spark.sql.types.NumericType
                || parseText && type instanceof org.apache.spark.sql.types.StringType)) {
            throw new DataValidationException("Weight column '" + column + "' of " + description + " must be numeric; "
                    + "got " + type.simpleString());
        }
    }

    @Override
    public boolean weighted() {
        return weights != null;
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
        CsvColumns c = csv;
        int weightAt = weights == null ? -1 : weights.index();
        String weightCol = weights == null ? null : weights.column();
        return rows.mapPartitionsWithIndex((partition, it) -> new BlockIterator(
                new DatasetRowCursor(p, c, weightAt, weightCol, partition, it), blockRows, expected, 0), true);
    }

    /** Line of a text file, else row of the file (counting the rows of its earlier parts), else global row. */
    @Override
    public DataValidationException located(LocalRowException local) {
        if (local.file().isEmpty()) {
            return local.at("row " + (rowsBefore(local.partition()) + local.localRow() + 1));
        }
        if (lines != null) {
            try {
                long line = lines.line(conf, local.file(), local.partStart(), local.indexInPart());
                if (line > 0) {
                    return local.at("line " + line);
                }
            } catch (IOException | IllegalArgumentException e) {
                local.addSuppressed(e);
            }
        }
        if (local.unreadable()) {
            return local.at(null);
        }
        return local.at("row " + (rowsOfFileBefore(local.file(), local.partStart()) + local.indexInPart() + 1));
    }

    private long rowsBefore(int partition) {
        return rows.mapPartitionsWithIndex((p, it) -> {
            long n = 0;
            for (; p < partition && it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }, true).collect().stream().mapToLong(Long::longValue).sum();
    }

    private long rowsOfFileBefore(String file, long partStart) {
        int fileAt = plan.columns().size();
        return rows.filter(r -> file.equals(r.getString(fileAt)) && r.getLong(fileAt + 1) < partStart).count();
    }

    /** A CSV file's columns and separator, to say what a malformed record should have held. */
    record CsvColumns(List<String> names, char separator) implements java.io.Serializable {
    }
}
