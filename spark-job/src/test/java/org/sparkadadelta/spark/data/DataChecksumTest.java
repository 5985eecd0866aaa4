package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/**
 * The data checksum, summed while the blocks are cached, depends on the rows in order and on nothing else:
 * not on partitions or block sizes (which may change between a run and its resumption).
 */
class DataChecksumTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    @Test
    void csvChecksumIgnoresPartitioningButSeesAChangedOrMovedValue() throws Exception {
        List<String> lines = csv(50);
        Path file = Files.write(dir.resolve("a.csv"), lines);
        DataSpec spec = DataSpec.of("csv", file.toString()).withLabelCol("label");
        TrainingData one = DataLoader.load(SPARK, spec, 1, 7);
        TrainingData three = DataLoader.load(SPARK, spec, 3, 4);
        TrainingData source = DataLoader.load(SPARK, spec, 0, 0);
        assertEquals(wholeBlockChecksum(one), one.checksum(), "partition sums shifted to global rows");
        assertEquals(one.checksum(), three.checksum());
        assertEquals(one.checksum(), source.checksum());

        List<String> changed = new ArrayList<>(lines);
        changed.set(20, changed.get(20).replace(",2.5,", ",2.5000002,")); // one float ulp
        assertNotEquals(one.checksum(), load(changed, "changed.csv").checksum());

        List<String> swapped = new ArrayList<>(lines);
        swapped.set(10, lines.get(11));
        swapped.set(11, lines.get(10));
        assertNotEquals(one.checksum(), load(swapped, "swapped.csv").checksum());
    }

    @Test
    void checksumIgnoresTheSourcesPartitioning() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create((double) (i % 3), i * 0.5, 1.0 / (i + 1)));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("f0", DataTypes.DoubleType)
                .add("f1", DataTypes.DoubleType);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SPARK.sparkContext());
        long[] checksums = new long[3];
        int[] sourcePartitions = {1, 3, 7};
        for (int k = 0; k < 3; k++) {
            Dataset<Row> df = SPARK.createDataFrame(jsc.parallelize(rows, sourcePartitions[k]), schema);
            TrainingData data = DataLoader.fromDataset(df, null, List.of("f0", "f1"), "label", 0, 4, "rows");
            assertEquals(sourcePartitions[k], data.blocks().getNumPartitions());
            assertEquals(wholeBlockChecksum(data), data.checksum(), sourcePartitions[k] + " partitions");
            checksums[k] = data.checksum();
        }
        assertEquals(checksums[0], checksums[1]);
        assertEquals(checksums[0], checksums[2]);
    }

    @Test
    void globallyNumberedIdxChecksumIgnoresPartitioning() throws Exception {
        IdxFixtures.writePair(dir, "train", 23, 3, 2, false);
        TrainingData one = DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()), 1, 5);
        TrainingData three = DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()), 3, 4);
        assertEquals(wholeBlockChecksum(one), one.checksum());
        assertEquals(one.checksum(), three.checksum());
    }

    private TrainingData load(List<String> lines, String name) throws Exception {
        Path file = Files.write(dir.resolve(name), lines);
        return DataLoader.load(SPARK, DataSpec.of("csv", file.toString()).withLabelCol("label"), 2, 8);
    }

    /** The checksum computed independently: all rows, in order, as one block from row 0. */
    private static long wholeBlockChecksum(TrainingData data) {
        List<DenseBlock> blocks = new ArrayList<>(data.blocks().collect());
        blocks.sort(Comparator.comparingLong(DenseBlock::firstRow));
        int rows = (int) data.rows();
        int cols = data.numFeatures();
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (DenseBlock b : blocks) {
            System.arraycopy(b.features(), 0, x, (int) b.firstRow() * cols, b.rows() * cols);
            System.arraycopy(b.labels(), 0, y, (int) b.firstRow(), b.rows());
        }
        return DataChecksum.of(new DenseBlock(0, rows, cols, x, y));
    }

    private static List<String> csv(int rows) {
        List<String> lines = new ArrayList<>(List.of("label,f0,f1,f2"));
        for (int i = 0; i < rows; i++) {
            lines.add((i % 3) + "," + (i * 0.25) + ",2.5," + (i % 7));
        }
        return lines;
    }
}
