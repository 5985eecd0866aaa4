package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.ArrowFixtures.Format;

/** Arrow IPC files (file and stream format, compressed or not) read by tasks through Hadoop's FileSystem. */
class ArrowLoadTest {
    private static final SparkSession SPARK = SparkTestSession.get();
    private static final Schema FIXED = new Schema(List.of(
            ArrowFixtures.list("features", new ArrowType.FixedSizeList(3), ArrowFixtures.FLOAT),
            ArrowFixtures.field("label", new ArrowType.Int(32, true))));
    private static final Schema LISTS = new Schema(List.of(
            ArrowFixtures.field("target", ArrowFixtures.DOUBLE),
            ArrowFixtures.list("x", ArrowType.List.INSTANCE, ArrowFixtures.DOUBLE)));

    @TempDir
    Path dir;

    /** Row r of a file starting at global row {@code base}: features (r, -r/8, base), label r % 10. */
    private static ArrowFixtures.RowWriter fixed(int base, int badRow) {
        return (root, i, r) -> {
            FixedSizeListVector v = (FixedSizeListVector) root.getVector("features");
            Float4Vector x = (Float4Vector) v.getDataVector();
            v.setNotNull(i);
            x.setSafe(3 * i, base + r);
            x.setSafe(3 * i + 1, r == badRow ? Float.NaN : -(base + r) / 8f);
            x.setSafe(3 * i + 2, base);
            ((IntVector) root.getVector("label")).setSafe(i, (base + r) % 10);
        };
    }

    private static float[] fixedRow(int row, int base) {
        return new float[] {row, -row / 8f, base};
    }

    @Test
    void filesAreReadInNameOrderAcrossFormats() throws IOException {
        ArrowFixtures.write(dir.resolve("b.arrow"), FIXED, Format.FILE_ZSTD, 7, 3, fixed(10, -1));
        ArrowFixtures.write(dir.resolve("a.arrows"), FIXED, Format.STREAM, 10, 4, fixed(0, -1));
        ArrowFixtures.write(dir.resolve("c.feather"), FIXED, Format.FILE, 5, 5, fixed(17, -1));
        Files.writeString(dir.resolve("notes.txt"), "not arrow");
        Files.writeString(dir.resolve("_SUCCESS"), "");

        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString()), 0, 4), 4);
        try {
            assertArrayEquals(new long[] {10, 7, 5}, l.partitionRows(), "one partition per file, by name");
            float[][] x = new float[22][];
            float[] y = new float[22];
            for (int r = 0; r < 22; r++) {
                x[r] = fixedRow(r, r < 10 ? 0 : r < 17 ? 10 : 17);
                y[r] = r % 10;
            }
            l.assertRows(x, y);
            assertEquals(new LabelSummary(0, 9, true, -1), l.data.labels());
        } finally {
            l.release();
        }
        Loaded globbed = Loaded.check(DataLoader.load(SPARK, DataSpec.of("arrow", dir + "/[bc].*")), 4096);
        assertArrayEquals(new long[] {7, 5}, globbed.partitionRows());
        assertArrayEquals(fixedRow(10, 10), globbed.features[0]);
        globbed.release();
    }

    @Test
    void listColumnFromASingleFileIntoMorePartitions() throws IOException {
        Path file = dir.resolve("one.arrow");
        ArrowFixtures.write(file, LISTS, Format.FILE, 9, 4, (root, i, r) -> {
            ((Float8Vector) root.getVector("target")).setSafe(i, r * 0.5);
            ListVector v = (ListVector) root.getVector("x");
            Float8Vector x = (Float8Vector) v.getDataVector();
            int at = v.startNewValue(i);
            x.setSafe(at, r);
            x.setSafe(at + 1, 1.0 / 3);
            v.endValue(i, 2);
        });
        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("arrow", "file://" + file).withFeaturesCol("x")
                .withLabelCol("target"), 2, 8), 8);
        try {
            assertArrayEquals(new long[] {5, 4}, l.partitionRows());
            for (int r = 0; r < 9; r++) {
                assertArrayEquals(new float[] {r, (float) (1.0 / 3)}, l.features[r]);
                assertEquals(r * 0.5f, l.labels[r]);
            }
            assertEquals(1, l.data.labels().firstBadRow());
        } finally {
            l.release();
        }
    }

    @Test
    void numericColumnsOfSeveralTypes() throws IOException {
        Schema schema = new Schema(List.of(ArrowFixtures.field("a", new ArrowType.Int(16, true)),
                ArrowFixtures.field("b", new ArrowType.Int(64, true)),
                ArrowFixtures.field("c", new ArrowType.Decimal(9, 2, 128)),
                ArrowFixtures.field("name", ArrowType.Utf8.INSTANCE),
                ArrowFixtures.field("label", ArrowFixtures.FLOAT)));
        ArrowFixtures.write(dir.resolve("n.arrow"), schema, Format.FILE, 3, 2, (root, i, r) -> {
            ((SmallIntVector) root.getVector("a")).setSafe(i, -r);
            ((BigIntVector) root.getVector("b")).setSafe(i, 1000L * r);
            ((DecimalVector) root.getVector("c")).setSafe(i, new BigDecimal("1.25"));
            ((VarCharVector) root.getVector("name")).setSafe(i, ("n" + r).getBytes());
            ((Float4Vector) root.getVector("label")).setSafe(i, r);
        });
        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString()).withFeaturesCol(null)), 4096);
        l.assertRows(new float[][] {{0, 0, 1.25f}, {-1, 1000, 1.25f}, {-2, 2000, 1.25f}}, new float[] {0, 1, 2});
        l.release();

        Loaded chosen = Loaded.check(DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString())
                .withFeatureCols(List.of("c", "a"))), 4096);
        assertArrayEquals(new float[] {1.25f, -2}, chosen.features[2]);
        chosen.release();

        DataValidationException e = assertThrows(DataValidationException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("arrow", dir.toString()).withFeatureCols(List.of("name"))));
        assertEquals("Column 'name' in file " + "file:" + dir.resolve("n.arrow") + " must be numeric; got Utf8",
                e.getMessage());
    }

    @Test
    void badValuesNameTheFileAndItsRow() throws IOException {
        ArrowFixtures.write(dir.resolve("a.arrow"), FIXED, Format.FILE, 4, 4, fixed(0, -1));
        ArrowFixtures.write(dir.resolve("b.arrow"), FIXED, Format.FILE, 6, 4, fixed(4, 5));
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString())));
        assertEquals("file:" + dir.resolve("b.arrow") + ": row 6: feature 1 of 'features' is not a finite number "
                + "(got NaN)",
                e.getMessage());
    }

    @Test
    void featureCountsMustAgreeAcrossFiles() throws IOException {
        ArrowFixtures.write(dir.resolve("a.arrow"), FIXED, Format.FILE, 4, 4, fixed(0, -1));
        Schema two = new Schema(List.of(
                ArrowFixtures.list("features", new ArrowType.FixedSizeList(2), ArrowFixtures.FLOAT),
                ArrowFixtures.field("label", new ArrowType.Int(32, true))));
        ArrowFixtures.write(dir.resolve("b.arrow"), two, Format.FILE, 2, 4, (root, i, r) -> {
            FixedSizeListVector v = (FixedSizeListVector) root.getVector("features");
            v.setNotNull(i);
            ((Float4Vector) v.getDataVector()).setSafe(2 * i, 1);
            ((Float4Vector) v.getDataVector()).setSafe(2 * i + 1, 2);
            ((IntVector) root.getVector("label")).setSafe(i, 0);
        });
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString())));
        assertEquals("file:" + dir.resolve("b.arrow") + ": row 1: wrong number of features (expected 3 as in file:"
                + dir.resolve("a.arrow") + ": row 1, got 2)", e.getMessage());
    }

    @Test
    void missingColumnsAndMissingFiles() throws IOException {
        ArrowFixtures.write(dir.resolve("a.arrow"), FIXED, Format.STREAM, 2, 2, fixed(0, -1));
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("arrow", dir.toString()).withLabelCol("y")));
        assertEquals("Column 'y' not found in file file:" + dir.resolve("a.arrow") + "; available columns: "
                + "[features (FixedSizeList(3)<FloatingPoint(SINGLE)>), label (Int(32, true))]", e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("No *.arrow, *.arrows or *.feather files in " + empty, assertThrows(
                DataValidationException.class, () -> DataLoader.load(SPARK, DataSpec.of("arrow", empty.toString())))
                .getMessage());
    }

    @Test
    void notArrowAtAll() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.arrow"), "this is not an arrow file at all");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("arrow", junk.toString())));
        assertEquals(junk + ": not an Arrow IPC file: bad magic (expected \"ARROW1\" or a stream's 0xFFFFFFFF, got "
                + "74 68 69 73 20 69)", e.getMessage());
    }
}
