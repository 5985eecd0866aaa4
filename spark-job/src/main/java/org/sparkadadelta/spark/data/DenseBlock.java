package org.sparkadadelta.spark.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of consecutive training rows as dense float arrays: what executors cache and compute on.
 *
 * <p>Rows are numbered globally ({@link #firstRow} is the global index of row 0), so a mini-batch can be
 * drawn from all partitions by a seeded shuffle of global indices, independent of how rows are
 * partitioned. Primitive arrays only: they serialize compactly with Java serialization and Kryo alike,
 * and Spark can account their memory (INDArrays live off-heap and break under Kryo).
 */
public final class DenseBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long firstRow;
    private final int rows;
    private final int cols;
    private final float[] features;
    private final float[] labels;
    private final float[] weights;

    /**
     * @param firstRow global index of this block's first row
     * @param rows     number of rows
     * @param cols     features per row
     * @param features row-major, {@code rows * cols} values
     * @param labels   one label per row (a class index for classifiers, a target value for regression)
     */
    public DenseBlock(long firstRow, int rows, int cols, float[] features, float[] labels) {
        this(firstRow, rows, cols, features, labels, null);
    }

    /** As the five-argument constructor, with one sample weight per row ({@code weights}), or null for none. */
    public DenseBlock(long firstRow, int rows, int cols, float[] features, float[] labels, float[] weights) {
        if (features.length != (long) rows * cols || labels.length != rows) {
            throw new IllegalArgumentException("Block of " + rows + "x" + cols + " needs " + ((long) rows * cols)
                    + " features and " + rows + " labels; got " + features.length + " and " + labels.length);
        }
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("Block of " + rows + " rows needs " + rows + " sample weights; got "
                    + weights.length);
        }
        this.weights = weights;
        this.firstRow = firstRow;
        this.rows = rows;
        this.cols = cols;
        this.features = features;
        this.labels = labels;
    }

    public long firstRow() {
        return firstRow;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Row-major features; shared, not copied: do not modify. */
    public float[] features() {
        return features;
    }

    /** Labels; shared, not copied: do not modify. */
    public float[] labels() {
        return labels;
    }

    /** Sample weights (Keras's {@code sample_weight}), or null when the data has none; shared: do not modify. */
    public float[] weights() {
        return weights;
    }

    /** Rows {@code [from, to)} of this block (block-local indices), keeping their global numbers. */
    public DenseBlock slice(int from, int to) {
        return new DenseBlock(firstRow + from, to - from, cols, Arrays.copyOfRange(features, from * cols, to * cols),
                Arrays.copyOfRange(labels, from, to), weights == null ? null : Arrays.copyOfRange(weights, from, to));
    }

    /** The same rows renumbered to start at {@code newFirstRow}. */
    public DenseBlock withFirstRow(long newFirstRow) {
        return new DenseBlock(newFirstRow, rows, cols, features, labels, weights);
    }
}
