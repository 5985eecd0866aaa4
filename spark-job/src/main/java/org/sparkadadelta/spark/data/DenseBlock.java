package org.sparkadadelta.spark.data;

import java.io.Serializable;

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

    /**
     * @param firstRow global index of this block's first row
     * @param rows     number of rows
     * @param cols     features per row
     * @param features row-major, {@code rows * cols} values
     * @param labels   one label per row (a class index for classifiers, a target value for regression)
     */
    public DenseBlock(long firstRow, int rows, int cols, float[] features, float[] labels) {
        if (features.length != (long) rows * cols || labels.length != rows) {
            throw new IllegalArgumentException("Block of " + rows + "x" + cols + " needs " + ((long) rows * cols)
                    + " features and " + rows + " labels; got " + features.length + " and " + labels.length);
        }
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

    /** The same rows renumbered to start at {@code newFirstRow}. */
    public DenseBlock withFirstRow(long newFirstRow) {
        return new DenseBlock(newFirstRow, rows, cols, features, labels);
    }
}
