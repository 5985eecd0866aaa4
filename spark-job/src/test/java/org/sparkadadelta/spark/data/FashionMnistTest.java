package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkadadelta.spark.SparkTestSession;

/** The real Fashion-MNIST (Debian's dataset-fashion-mnist), when installed. */
class FashionMnistTest {
    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @ParameterizedTest
    @CsvSource({"train, 60000", "t10k, 10000"})
    void splitsHaveTheirSizesAndRanges(String split, int count) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "Fashion-MNIST not installed at " + DIR);
        SparkSession spark = SparkTestSession.get();
        TrainingData data = DataLoader.load(spark, DataSpec.of("idx", DIR.toString()).withOption("split", split), 3, 0);
        try {
            assertEquals(count, data.rows());
            assertEquals(784, data.numFeatures());
            assertEquals(new LabelSummary(0, 9, true, -1), data.labels());
            float[] range = data.blocks().map(b -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (float v : b.features()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                return new float[] {lo, hi};
            }).reduce((a, b) -> new float[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            assertArrayEquals(new float[] {0f, 1f}, range);
            for (int row : new int[] {0, count / 2 + 1, count - 1}) {
                assertRow(data, split, row);
            }
        } finally {
            data.blocks().unpersist(false);
        }
    }

    /** Compares a loaded row with the same row decoded straight from the files. */
    private static void assertRow(TrainingData data, String split, int row) throws IOException {
        DenseBlock block = data.blocks().filter(b -> b.firstRow() <= row && row < b.firstRow() + b.rows()).first();
        int at = (int) (row - block.firstRow());
        byte[] pixels = new byte[784];
        try (DataInputStream in = gunzip(split + "-images-idx3-ubyte.gz")) {
            in.skipNBytes(16 + 784L * row);
            in.readFully(pixels);
        }
        for (int i = 0; i < 784; i++) {
            assertEquals((pixels[i] & 0xff) / 255f, block.features()[at * 784 + i], "row " + row + " pixel " + i);
        }
        try (DataInputStream in = gunzip(split + "-labels-idx1-ubyte.gz")) {
            in.skipNBytes(8 + row);
            assertEquals(in.readUnsignedByte(), block.labels()[at], "label of row " + row);
        }
    }

    private static DataInputStream gunzip(String name) throws IOException {
        InputStream in = Files.newInputStream(DIR.resolve(name));
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in)));
    }
}
