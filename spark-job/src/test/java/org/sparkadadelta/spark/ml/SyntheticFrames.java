package org.sparkadadelta.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.spark.SparkTestSession;

/** Small seeded DataFrames for the spark.ml tests, in two partitions. */
final class SyntheticFrames {
    static final SparkSession SPARK = SparkTestSession.get();

    /** Adadelta that gets going within a few epochs (Keras's default epsilon 1e-7 starts slowly). */
    static final String FAST_ADADELTA = "{\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0, "
            + "\"epsilon\": 1e-3}}";

    private static final double[][] CENTERS = {{0, 0}, {4, 0}, {2, 3.5}};

    private SyntheticFrames() {
    }

    /** Columns x, y (doubles) and label (0 .. classes-1): Gaussian blobs of standard deviation 0.7. */
    static Dataset<Row> blobs(int rows, int classes, long seed) {
        Random random = new Random(seed);
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int c = i % classes;
            list.add(RowFactory.create(CENTERS[c][0] + 0.7 * random.nextGaussian(),
                    CENTERS[c][1] + 0.7 * random.nextGaussian(), (double) c));
        }
        return frame(list, new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
                .add("label", DataTypes.DoubleType));
    }

    /** Columns a, b (doubles) and target = 2a - 3b + 1 + N(0, 0.05). */
    static Dataset<Row> line(int rows, long seed) {
        Random random = new Random(seed);
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double a = random.nextDouble() * 2 - 1;
            double b = random.nextDouble() * 2 - 1;
            list.add(RowFactory.create(a, b, 2 * a - 3 * b + 1 + 0.05 * random.nextGaussian()));
        }
        return frame(list, new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("target", DataTypes.DoubleType));
    }

    static Dataset<Row> frame(List<Row> rows, StructType schema) {
        return SPARK.createDataFrame(JavaSparkContext.fromSparkContext(SPARK.sparkContext()).parallelize(rows, 2),
                schema);
    }
}
