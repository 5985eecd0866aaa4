package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/** Parquet, CSV and LibSVM files through {@link DataLoader#load}, and the errors of their paths. */
class SparkFormatsLoadTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    @Test
    void parquetWithAVectorColumn() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i % 4, Vectors.dense(i, 0.125 * i), "ignored"));
        }
        StructType schema = new StructType().add("y", DataTypes.IntegerType).add("v", SQLDataTypes.VectorType())
                .add("note", DataTypes.StringType);
        String path = dir.resolve("train.parquet").toString();
        SPARK.createDataFrame(rows, schema).coalesce(1).write().parquet(path);

        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("parquet", path).withFeaturesCol("v")
                .withLabelCol("y"), 3, 4), 4);
        try {
            assertEquals(3, l.partitions.size());
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(new float[] {i, 0.125f * i}, l.features[i]);
                assertEquals(i % 4, l.labels[i]);
            }
            assertTrue(l.data.source().startsWith("parquet data at " + path), l.data.source());
        } finally {
            l.release();
        }
    }

    @Test
    void csvWithHeaderAndInferredTypes() throws IOException {
        Path csv = write("data.csv", "a;b;label\n1;2.5;0\n-3;1e-3;1\n4;5;1\n");
        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("csv", csv.toString()).withOption("sep", ";")), 4096);
        try {
            l.assertRows(new float[][] {{1, 2.5f}, {-3, 1e-3f}, {4, 5}}, new float[] {0, 1, 1});
        } finally {
            l.release();
        }
    }

    @Test
    void csvWithoutHeaderNamesColumnsLikeSpark() throws IOException {
        Path csv = write("plain.csv", "7,0.5,1\n8,0.25,0\n");
        DataSpec spec = DataSpec.of("csv", csv.toString()).withOption("header", "false").withLabelCol("_c0")
                .withFeatureCols(List.of("_c2", "_c1"));
        Loaded l = Loaded.check(DataLoader.load(SPARK, spec), 4096);
        l.assertRows(new float[][] {{1, 0.5f}, {0, 0.25f}}, new float[] {7, 8});
        l.release();
    }

    @Test
    void csvNonNumericValueNamesColumnValueFileAndRow() throws IOException {
        Path csv = write("bad.csv", "a,b,label\n1,2,0\n3,4,1\n5,abc,1\n6,7,0\n");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", csv.toString())));
        assertEquals(csv.toUri() + ": line 4: bad value in column 'b' (expected a number, got 'abc')",
                e.getMessage());
    }

    @Test
    void csvWithMoreRowsThanTheOthersHasAnEmptyValue() throws IOException {
        Path csv = write("short.csv", "a,b,label\n1,2,0\n3,,1\n");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", csv.toString())));
        assertEquals(csv.toUri() + ": line 3: column 'b' is null", e.getMessage());
        assertTrue(e instanceof DataFileException,
                e.getMessage());
    }

    @Test
    void libsvmWithKnownFeatureCount() throws IOException {
        Path file = write("train.libsvm", "1 1:0.5 3:2\n0 2:-1\n2 1:1 2:1 3:1 4:1\n");
        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("libsvm", file.toString()).withNumFeatures(5),
                0, 2), 2);
        try {
            l.assertRows(new float[][] {{0.5f, 0, 2, 0, 0}, {0, -1, 0, 0, 0}, {1, 1, 1, 1, 0}},
                    new float[] {1, 0, 2});
            assertEquals(5, l.data.numFeatures());
        } finally {
            l.release();
        }
    }

    @Test
    void missingPathIsNamed() {
        String missing = dir.resolve("nope").toString();
        for (String format : List.of("parquet", "csv", "libsvm", "arrow", "idx")) {
            assertEquals("No such file or directory: " + missing, assertThrows(DataValidationException.class,
                    () -> DataLoader.load(SPARK, DataSpec.of(format, missing))).getMessage(), format);
        }
        assertEquals("No such file or directory: file://" + missing, assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", "file://" + missing))).getMessage());
    }

    @Test
    void featureCountOtherThanExpected() throws IOException {
        Path csv = write("three.csv", "a,b,c,label\n1,2,3,0\n");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", csv.toString()).withNumFeatures(2)));
        assertEquals(csv.toUri() + ": line 2: wrong number of features (expected 2 as in numFeatures, got 3)",
                e.getMessage());
    }

    @Test
    void headerOnlyCsvHasNoRows() throws IOException {
        Path csv = write("empty.csv", "a,label\n");
        DataSpec spec = DataSpec.of("csv", csv.toString());
        assertEquals(spec.describe() + " has no rows",
                assertThrows(DataValidationException.class, () -> DataLoader.load(SPARK, spec)).getMessage());
        assertEquals("csv data at " + csv + " (features: numeric columns, label: label)", spec.describe());
        assertEquals(Map.of(), spec.options());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
