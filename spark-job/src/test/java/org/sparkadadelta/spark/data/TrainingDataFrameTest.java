package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.SparkTestSession;

/** {@link TrainingData#toDataFrame}: the loaded rows back as features and label, in row order. */
class TrainingDataFrameTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @Test
    void rowsComeBackInOrderAcrossBlocksAndPartitions() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            rows.add(RowFactory.create((double) (i % 4), Vectors.dense(i, -i / 8.0, 0.25)));
        }
        Dataset<Row> source = SPARK.createDataFrame(JavaSparkContext.fromSparkContext(SPARK.sparkContext())
                .parallelize(rows, 3), new StructType().add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType()));
        // Blocks of 5 rows in 2 partitions: rows cross block and partition boundaries.
        TrainingData data = DataLoader.fromDataset(source, "features", null, "label", 2, 5, "test rows");

        Dataset<Row> frame = data.toDataFrame(SPARK);

        assertEquals(List.of("features", "label"), List.of(frame.columns()));
        List<Row> back = frame.collectAsList();
        assertEquals(23, back.size());
        for (int i = 0; i < 23; i++) {
            Vector v = back.get(i).getAs("features");
            assertArrayEquals(new double[] {i, (float) (-i / 8.0), 0.25}, v.toArray(), "row " + i);
            assertEquals(i % 4, back.get(i).<Double>getAs("label"), "row " + i);
        }
    }
}
