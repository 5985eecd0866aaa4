package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loaded data collected back to the driver, after checking the invariants every load must keep: rows
 * numbered 0..n-1 contiguously across blocks and partitions in order, blocks of at most {@code blockRows},
 * every block as wide as {@code numFeatures}.
 */
final class Loaded {
    final TrainingData data;
    final List<List<DenseBlock>> partitions;
    final float[][] features;
    final float[] labels;

    private Loaded(TrainingData data, List<List<DenseBlock>> partitions, float[][] features, float[] labels) {
        this.data = data;
        this.partitions = partitions;
        this.features = features;
        this.labels = labels;
    }

    static Loaded check(TrainingData data, int blockRows) {
        List<List<DenseBlock>> partitions = data.blocks().glom().collect();
        List<float[]> rows = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        for (List<DenseBlock> partition : partitions) {
            for (DenseBlock b : partition) {
                assertEquals(rows.size(), b.firstRow(), "blocks must number rows contiguously");
                assertTrue(b.rows() >= 1 && b.rows() <= blockRows, "block of " + b.rows() + " rows");
                assertEquals(data.numFeatures(), b.cols());
                for (int r = 0; r < b.rows(); r++) {
                    rows.add(Arrays.copyOfRange(b.features(), r * b.cols(), (r + 1) * b.cols()));
                    labels.add(b.labels()[r]);
                }
            }
        }
        assertEquals(data.rows(), rows.size());
        float[] y = new float[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
        }
        return new Loaded(data, partitions, rows.toArray(float[][]::new), y);
    }

    /** Rows per partition. */
    long[] partitionRows() {
        return partitions.stream().mapToLong(p -> p.stream().mapToLong(DenseBlock::rows).sum()).toArray();
    }

    void assertRows(float[][] expectedFeatures, float[] expectedLabels) {
        assertEquals(expectedFeatures.length, features.length, "rows");
        for (int i = 0; i < features.length; i++) {
            assertTrue(Arrays.equals(expectedFeatures[i], features[i]),
                    "row " + i + ": " + Arrays.toString(features[i]) + " != " + Arrays.toString(expectedFeatures[i]));
        }
        assertTrue(Arrays.equals(expectedLabels, labels), Arrays.toString(labels));
    }

    /** Frees the cache: the tests share one SparkSession. */
    void release() {
        data.blocks().unpersist(false);
    }
}
