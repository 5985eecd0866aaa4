package org.sparkadadelta.spark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.DataChecksum;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.LabelSummary;
import org.sparkadadelta.spark.data.TrainingData;

/** Small in-memory datasets cut into blocks and partitions, for tests of the training loop. */
final class TestData {
    final float[] features;
    final float[] labels;
    final int rows;
    final int cols;
    final float[] weights; // sample weights, or null

    TestData(float[] features, float[] labels, int cols) {
        this(features, labels, cols, null);
    }

    private TestData(float[] features, float[] labels, int cols, float[] weights) {
        this.features = features;
        this.labels = labels;
        this.rows = labels.length;
        this.cols = cols;
        this.weights = weights;
    }

    /** The same rows with these sample weights. */
    TestData withWeights(float[] sampleWeights) {
        return new TestData(features, labels, cols, sampleWeights);
    }

    /** Row {@code i} repeated {@code times[i]} times, in order (unweighted). */
    TestData repeated(int[] times) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < times[i]; k++) {
                order.add(i);
            }
        }
        float[] x = new float[order.size() * cols];
        float[] y = new float[order.size()];
        for (int k = 0; k < order.size(); k++) {
            System.arraycopy(features, order.get(k) * cols, x, k * cols, cols);
            y[k] = labels[order.get(k)];
        }
        return new TestData(x, y, cols);
    }

    /** y = x . w + 0.5 + noise, w evenly spaced in [-1, 1]. */
    static TestData linear(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double t = 0.5;
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = (float) r.nextGaussian();
                t += x[i * cols + j] * (cols == 1 ? 1.0 : -1.0 + 2.0 * j / (cols - 1));
            }
            y[i] = (float) (t + 0.05 * r.nextGaussian());
        }
        return new TestData(x, y, cols);
    }

    /** {@code classes} Gaussian blobs; the label is the blob. */
    static TestData blobs(int rows, int cols, int classes, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(classes);
            y[i] = c;
            for (int j = 0; j < cols; j++) {
                x[i * cols + j] = (float) (r.nextGaussian() * 0.7 + (j % classes == c ? 2.0 : 0.0));
            }
        }
        return new TestData(x, y, cols);
    }

    TrainingData toSpark(int partitions, int blockRows) {
        List<DenseBlock> blocks = new ArrayList<>();
        LabelSummary summary = LabelSummary.EMPTY;
        long checksum = 0;
        for (int start = 0; start < rows; start += blockRows) {
            int n = Math.min(blockRows, rows - start);
            float[] f = new float[n * cols];
            float[] l = new float[n];
            System.arraycopy(features, start * cols, f, 0, n * cols);
            System.arraycopy(labels, start, l, 0, n);
            float[] w = weights == null ? null : java.util.Arrays.copyOfRange(weights, start, start + n);
            blocks.add(new DenseBlock(start, n, cols, f, l, w));
            checksum += DataChecksum.of(blocks.get(blocks.size() - 1));
            for (int i = 0; i < n; i++) {
                summary = summary.add(start + i, l[i]);
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        return new TrainingData(jsc.parallelize(blocks, partitions).cache(), rows, cols, summary, checksum,
                "test data", weights != null);
    }
}
