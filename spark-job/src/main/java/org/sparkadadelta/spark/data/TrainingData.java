package org.sparkadadelta.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A loaded, validated and cached dataset: blocks of dense rows plus what was learned while loading.
 *
 * @param blocks      cached blocks, rows numbered 0..rows-1 across all partitions in order
 * @param rows        total number of rows (at least 1)
 * @param numFeatures features per row
 * @param labels      label range, for checking against the model
 * @param checksum    {@link DataChecksum} of the rows in order, so a resumed run can check it has the same data
 * @param source      a human-readable description of where the data came from (for messages and manifests)
 * @param weighted    whether the blocks carry sample weights (a weight column)
 */
public record TrainingData(JavaRDD<DenseBlock> blocks, long rows, int numFeatures, LabelSummary labels,
        long checksum, String source, boolean weighted) {

    /** Data without sample weights. */
    public TrainingData(JavaRDD<DenseBlock> blocks, long rows, int numFeatures, LabelSummary labels, long checksum,
            String source) {
        this(blocks, rows, numFeatures, labels, checksum, source, false);
    }

    /**
     * The rows as a DataFrame of {@code features} (a dense ml {@code Vector}) and {@code label} (double), in
     * row order: what spark.ml stages such as {@code KerasAdadeltaModel.transform} read, e.g. to score data
     * loaded from a format Spark has no reader for (IDX, Arrow IPC files).
     */
    public Dataset<Row> toDataFrame(SparkSession spark) {
        StructType schema = new StructType()
                .add(DataSpec.DEFAULT_FEATURES_COL, SQLDataTypes.VectorType(), false)
                .add(DataSpec.DEFAULT_LABEL_COL, DataTypes.DoubleType, false);
        JavaRDD<Row> rowRdd = blocks.flatMap(block -> {
            int cols = block.cols();
            float[] features = block.features();
            List<Row> out = new ArrayList<>(block.rows());
            for (int r = 0; r < block.rows(); r++) {
                double[] row = new double[cols];
                for (int c = 0; c < cols; c++) {
                    row[c] = features[r * cols + c];
                }
                out.add(RowFactory.create(Vectors.dense(row), (double) block.labels()[r]));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rowRdd, schema);
    }
}
