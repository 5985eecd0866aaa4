package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.SparkTestSession;

/** {@link DataLoader#fromDataset}: vector and numeric columns, numbering, partitioning, bad rows. */
class DataFrameLoadTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    /** Rows in {@code partitions} source partitions, in order (parallelize keeps it). */
    private static Dataset<Row> frame(StructType schema, int rows, int partitions, IntFunction<Row> row) {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(row.apply(i));
        }
        return SPARK.createDataFrame(JavaSparkContext.fromSparkContext(SPARK.sparkContext()).parallelize(list, partitions),
                schema);
    }

    private static StructType vectorSchema() {
        return new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
    }

    /** Row i: label i % 3, features (i, i / 4, -0.5), dense or sparse. */
    private static Dataset<Row> vectors(int rows, int partitions) {
        return frame(vectorSchema(), rows, partitions, i -> RowFactory.create((double) (i % 3), i % 2 == 0
                ? Vectors.dense(i, i / 4.0, -0.5)
                : Vectors.sparse(3, new int[] {0, 2}, new double[] {i, -0.5})));
    }

    private static float[][] vectorFeatures(int rows) {
        float[][] x = new float[rows][];
        for (int i = 0; i < rows; i++) {
            x[i] = new float[] {i, i % 2 == 0 ? i / 4f : 0f, -0.5f};
        }
        return x;
    }

    private static float[] vectorLabels(int rows) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % 3;
        }
        return y;
    }

    private static TrainingData load(Dataset<Row> df, int numPartitions, int blockRows) {
        return DataLoader.fromDataset(df, "features", null, "label", numPartitions, blockRows, "test frame");
    }

    @Test
    void denseAndSparseVectorsKeepTheSourcePartitions() {
        Loaded l = Loaded.check(load(vectors(30, 3), 0, 4), 4);
        try {
            l.assertRows(vectorFeatures(30), vectorLabels(30));
            assertArrayEquals(new long[] {10, 10, 10}, l.partitionRows());
            assertEquals(3, l.data.numFeatures());
            assertEquals(new LabelSummary(0, 2, true, -1), l.data.labels());
            assertEquals("test frame", l.data.source());
            assertTrue(l.data.blocks().getStorageLevel().useMemory(), "result is cached");
        } finally {
            l.release();
        }
    }

    @Test
    void repartitionsIntoEvenConsecutiveRanges() {
        for (int n : new int[] {4, 2}) {
            Loaded l = Loaded.check(load(vectors(30, 3), n, 3), 3);
            try {
                l.assertRows(vectorFeatures(30), vectorLabels(30));
                assertEquals(n, l.partitions.size());
                assertArrayEquals(n == 4 ? new long[] {8, 8, 7, 7} : new long[] {15, 15}, l.partitionRows());
            } finally {
                l.release();
            }
        }
    }

    @Test
    void mllibVectorsAndArrays() {
        StructType mllib = new StructType().add("y", DataTypes.IntegerType)
                .add("v", new org.apache.spark.mllib.linalg.VectorUDT());
        Loaded l = Loaded.check(DataLoader.fromDataset(frame(mllib, 5, 2, i -> RowFactory.create(i,
                org.apache.spark.mllib.linalg.Vectors.dense(i, 2 * i))), "v", List.of(), "y", 0, 2, "mllib"), 2);
        l.assertRows(new float[][] {{0, 0}, {1, 2}, {2, 4}, {3, 6}, {4, 8}}, new float[] {0, 1, 2, 3, 4});
        l.release();

        StructType arrays = new StructType().add("label", DataTypes.FloatType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType));
        l = Loaded.check(load(frame(arrays, 3, 1, i -> RowFactory.create(0.25f * i, new float[] {i, 1.5f})), 0, 8), 8);
        l.assertRows(new float[][] {{0, 1.5f}, {1, 1.5f}, {2, 1.5f}}, new float[] {0, 0.25f, 0.5f});
        assertFalse(l.data.labels().allIntegral());
        assertEquals(1, l.data.labels().firstBadRow());
        l.release();
    }

    @Test
    void numericColumnsOfEveryType() {
        StructType schema = new StructType().add("b", DataTypes.ByteType).add("s", DataTypes.ShortType)
                .add("i", DataTypes.IntegerType).add("l", DataTypes.LongType).add("f", DataTypes.FloatType)
                .add("d", DataTypes.DoubleType).add("dec", DataTypes.createDecimalType(10, 3))
                .add("name", DataTypes.StringType).add("label", DataTypes.LongType);
        Dataset<Row> df = frame(schema, 4, 2, i -> RowFactory.create((byte) -i, (short) (300 + i), 70000 + i,
                1L << 40, 0.1f * i, 1e-3 * i, new BigDecimal("2.125"), "n" + i, (long) i));
        Loaded l = Loaded.check(DataLoader.fromDataset(df, null, null, "label", 0, 4096, "all types"), 4096);
        try {
            float[][] expected = new float[4][];
            for (int i = 0; i < 4; i++) {
                expected[i] = new float[] {-i, 300 + i, 70000 + i, 1L << 40, 0.1f * i, (float) (1e-3 * i), 2.125f};
            }
            l.assertRows(expected, new float[] {0, 1, 2, 3});
        } finally {
            l.release();
        }
        Loaded chosen = Loaded.check(DataLoader.fromDataset(df, "ignored when columns are listed", List.of("d", "b"),
                "label", 0, 0, "chosen"), DataLoader.DEFAULT_BLOCK_ROWS);
        assertArrayEquals(new float[] {0.003f, -3}, chosen.features[3]);
        chosen.release();
    }

    @Test
    void sameInputAndPartitionsGiveTheSameNumbering() {
        Dataset<Row> df = vectors(40, 4).repartition(3);
        Loaded a = Loaded.check(load(df, 5, 4), 4);
        Loaded b = Loaded.check(load(df, 5, 4), 4);
        try {
            assertTrue(Arrays.deepEquals(a.features, b.features));
            assertArrayEquals(a.labels, b.labels);
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void missingColumnsListTheAvailableOnes() {
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.fromDataset(vectors(3, 1), "feats", null, "label", 0, 0, "test frame"));
        assertEquals("Column 'feats' not found in test frame; available columns: [label (double), features (vector)]",
                e.getMessage());
        e = assertThrows(DataValidationException.class,
                () -> DataLoader.fromDataset(vectors(3, 1), "features", null, "y", 0, 0, "test frame"));
        assertTrue(e.getMessage().startsWith("Column 'y' not found in test frame; available columns: [label"),
                e.getMessage());
    }

    @Test
    void wrongTypesSayWhatWasExpected() {
        StructType schema = new StructType().add("label", DataTypes.StringType).add("x", DataTypes.DoubleType)
                .add("features", DataTypes.createArrayType(DataTypes.StringType));
        Dataset<Row> df = frame(schema, 1, 1, i -> RowFactory.create("a", 1.0, new String[] {"1"}));
        assertEquals("Column 'label' in types must be numeric; got string", assertThrows(
                DataValidationException.class,
                () -> DataLoader.fromDataset(df, null, List.of("x"), "label", 0, 0, "types")).getMessage());
        assertEquals("Column 'features' in types must be a vector or a list of numbers; got array<string>",
                assertThrows(DataValidationException.class,
                        () -> DataLoader.fromDataset(df, "features", null, "x", 0, 0, "types")).getMessage());
        assertEquals("Column 'features' in types must be numeric; got array<string>", assertThrows(
                DataValidationException.class,
                () -> DataLoader.fromDataset(df, null, List.of("features"), "x", 0, 0, "types")).getMessage());
    }

    /** The bad row sits in the last of three partitions: the message must carry its global index. */
    @Test
    void badValuesNameTheGlobalRow() {
        StructType schema = new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
                .add("label", DataTypes.DoubleType);
        assertEquals("row 10: feature 'x1' is not a finite number (got NaN)", badRow(schema, Double.NaN, 0.0));
        assertEquals("row 10: feature 'x1' is not a finite number (got Infinity)",
                badRow(schema, Double.POSITIVE_INFINITY, 0.0));
        assertEquals("row 10: feature 'x1' is not a finite number (got Infinity)", badRow(schema, 1e300, 0.0));
        assertEquals("row 10: label is not a finite number (got NaN)", badRow(schema, 1.0, Double.NaN));
        assertEquals("row 10: column 'x1' is null", badRow(schema, null, 0.0));
        assertEquals("row 10: column 'label' is null", badRow(schema, 1.0, null));
    }

    private static String badRow(StructType schema, Double x1, Double label) {
        Dataset<Row> df = frame(schema, 12, 3, i -> i == 9 ? RowFactory.create(1.0, x1, label)
                : RowFactory.create(1.0, 2.0, 0.0));
        return assertThrows(DataValidationException.class,
                () -> DataLoader.fromDataset(df, null, null, "label", 0, 0, "bad")).getMessage();
    }

    @Test
    void vectorLengthsMustAgree() {
        // within a partition: the task sees it
        Dataset<Row> df = frame(vectorSchema(), 8, 2, i -> RowFactory.create(0.0,
                i == 6 ? Vectors.dense(1, 2) : Vectors.dense(1, 2, 3)));
        assertEquals("row 7: wrong number of features (expected 3 as in the first row, got 2)",
                assertThrows(DataValidationException.class, () -> load(df, 0, 0)).getMessage());
        // across partitions: the driver compares them
        Dataset<Row> split = frame(vectorSchema(), 8, 2, i -> RowFactory.create(0.0,
                i >= 4 ? Vectors.dense(1, 2) : Vectors.dense(1, 2, 3)));
        assertEquals("row 5: wrong number of features (expected 3 as in row 1, got 2)",
                assertThrows(DataValidationException.class, () -> load(split, 0, 0)).getMessage());
    }

    @Test
    void noRowsIsAnError() {
        Dataset<Row> empty = frame(vectorSchema(), 0, 2, i -> null);
        assertEquals("empty frame has no rows", assertThrows(DataValidationException.class,
                () -> DataLoader.fromDataset(empty, "features", null, "label", 0, 0, "empty frame")).getMessage());
    }
}
