package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/** MNIST-style IDX pairs, plain and gzip, each task reading its own row slice. */
class IdxLoadTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    private static void assertPair(Loaded l, int count, int pixels) {
        float[][] x = new float[count][];
        float[] y = new float[count];
        for (int r = 0; r < count; r++) {
            x[r] = IdxFixtures.scaledRow(r, pixels);
            y[r] = r % 10;
        }
        l.assertRows(x, y);
        assertEquals(pixels, l.data.numFeatures());
        assertEquals(new LabelSummary(0, Math.min(9, count - 1), true, -1), l.data.labels());
    }

    @Test
    void plainAndGzipFilesInSlices() throws IOException {
        IdxFixtures.writePair(dir, "train", 23, 3, 2, false);
        IdxFixtures.writePair(dir, "t10k", 11, 3, 2, true);

        Loaded train = Loaded.check(DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()), 3, 4), 4);
        try {
            assertPair(train, 23, 6);
            assertArrayEquals(new long[] {8, 8, 7}, train.partitionRows());
        } finally {
            train.release();
        }
        Loaded test = Loaded.check(DataLoader.load(SPARK, DataSpec.of("idx", dir.toString())
                .withOption("split", "t10k"), 4, 2), 2);
        try {
            assertPair(test, 11, 6);
            assertArrayEquals(new long[] {3, 3, 3, 2}, test.partitionRows());
        } finally {
            test.release();
        }
    }

    @Test
    void imagesFileNamesItsLabelsFile() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 5, 2, 2, true);
        Loaded l = Loaded.check(DataLoader.load(SPARK, DataSpec.of("idx", "file://" + images), 0, 4096), 4096);
        try {
            assertPair(l, 5, 4);
            assertEquals(SPARK.sparkContext().defaultParallelism(), l.partitions.size());
        } finally {
            l.release();
        }
        Path other = Files.writeString(dir.resolve("pixels.bin"), "x");
        assertEquals("Cannot tell the labels file of " + other + ": expected an images file named like "
                + "train-images-idx3-ubyte[.gz], or a directory", assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("idx", other.toString()))).getMessage());
    }

    @Test
    void missingLabelsFile() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 5, 2, 2, false);
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        String labels = dir.resolve("train-labels-idx1-ubyte").toString();
        assertEquals("No such file or directory: " + labels + " (nor " + labels + ".gz)", assertThrows(
                DataValidationException.class, () -> DataLoader.load(SPARK, DataSpec.of("idx", images.toString())))
                .getMessage());
        assertThrows(DataValidationException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("idx", dir.toString()).withOption("split", "t10k")));
    }

    @Test
    void wrongMagicNumber() throws IOException {
        IdxFixtures.writePair(dir, "train", 5, 2, 2, true);
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        IdxFixtures.writeLabels(labels, 0x00000803, 5, true);
        assertEquals(labels + ": not an IDX unsigned-byte labels (1 dimension) file: bad magic number "
                + "(expected 0x00000801, got 0x00000803)", assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()))).getMessage());
    }

    @Test
    void countsMustAgree() throws IOException {
        IdxFixtures.writePair(dir, "train", 5, 2, 2, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        IdxFixtures.writeLabels(labels, IdxFile.UBYTE_LABELS, 4, false);
        assertEquals(dir.resolve("train-images-idx3-ubyte") + " has 5 images but " + labels
                + " has 4 labels", assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()))).getMessage());
    }

    @Test
    void truncatedFiles() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 5, 2, 2, false);
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length - 3));
        assertEquals(images + ": truncated (expected 5 items of 4 bytes after a 16-byte header, 36 bytes; "
                + "got 33 bytes, 4 whole items)",
                assertThrows(DataValidationException.class,
                        () -> DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()))).getMessage());

        // a gzip file is only found short while a task reads it
        Path gz = IdxFixtures.writePair(dir, "t10k", 5, 2, 2, true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        IdxFixtures.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), IdxFile.UBYTE_LABELS, 5, false);
        byte[] short4 = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"));
        ByteBuffer.wrap(short4).putInt(4, 5);
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(short4); // header says 5 images, 4 whole ones follow
        }
        assertEquals(gz + ": truncated (expected 5 items of 4 bytes after a 16-byte header, 36 bytes decompressed; "
                + "got 33 bytes, 4 whole items)",
                assertThrows(DataValidationException.class, () -> DataLoader.load(SPARK,
                        DataSpec.of("idx", dir.toString()).withOption("split", "t10k"), 1, 0)).getMessage());
    }

    @Test
    void imageSizeOtherThanExpected() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 2, 2, 3, false);
        assertEquals(images + " has images of 6 pixels, expected numFeatures 4", assertThrows(
                DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()).withNumFeatures(4))).getMessage());
    }

    @Test
    void noImagesIsAnError() throws IOException {
        IdxFixtures.writePair(dir, "train", 0, 2, 2, false);
        DataSpec spec = DataSpec.of("idx", dir.toString());
        assertEquals(spec.describe() + " has no rows",
                assertThrows(DataValidationException.class, () -> DataLoader.load(SPARK, spec)).getMessage());
    }
}
