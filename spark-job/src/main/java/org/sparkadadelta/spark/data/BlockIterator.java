package org.sparkadadelta.spark.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Groups a cursor's rows into {@link DenseBlock}s of at most {@code blockRows} rows, lazily, so Spark can
 * cache (or spill) a partition block by block. Checks every row on the way: same feature count as the
 * first row (or as expected), finite features, finite label, and a finite sample weight >= 0 if rows have one.
 */
final class BlockIterator implements Iterator<DenseBlock> {
    /** Largest float array a JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final RowCursor cursor;
    private final int blockRows;
    private int expectedCols;
    private final String expectedFrom;
    private long nextFirstRow;
    private boolean advanced;
    private boolean hasRow;

    /**
     * @param expectedCols the feature count every row must have, or 0 to take it from the first row
     * @param firstRow     number given to the first row (blocks are numbered consecutively from it)
     */
    BlockIterator(RowCursor cursor, int blockRows, int expectedCols, long firstRow) {
        if (blockRows <= 0) {
            throw new IllegalArgumentException("blockRows must be positive; got " + blockRows);
        }
        this.cursor = cursor;
        this.blockRows = blockRows;
        this.expectedCols = expectedCols;
        this.expectedFrom = expectedCols > 0 ? "numFeatures" : "the first row";
        this.nextFirstRow = firstRow;
    }

    @Override
    public boolean hasNext() {
        if (!advanced) {
            hasRow = cursor.advance();
            advanced = true;
        }
        return hasRow;
    }

    @Override
    public DenseBlock next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int cols = checkCols();
        int capacity = (int) Math.max(1, Math.min(blockRows, MAX_ARRAY / cols));
        float[] features = new float[capacity * cols];
        float[] labels = new float[capacity];
        float[] weights = cursor.weighted() ? new float[capacity] : null;
        int n = 0;
        do {
            checkCols();
            cursor.readFeatures(features, n * cols);
            checkFinite(features, n * cols, cols);
            labels[n] = checkLabel(cursor.label());
            if (weights != null) {
                weights[n] = checkWeight(cursor.weight());
            }
            n++;
            advanced = false;
        } while (n < capacity && hasNext());
        DenseBlock block = n == capacity ? new DenseBlock(nextFirstRow, n, cols, features, labels, weights)
                : new DenseBlock(nextFirstRow, n, cols, Arrays.copyOf(features, n * cols), Arrays.copyOf(labels, n),
                        weights == null ? null : Arrays.copyOf(weights, n));
        nextFirstRow += n;
        return block;
    }

    private int checkCols() {
        int cols = cursor.cols();
        if (cols <= 0) {
            throw cursor.error("has no features");
        }
        if (expectedCols == 0) {
            expectedCols = cols;
        } else if (cols != expectedCols) {
            throw cursor.error("wrong number of features (expected " + expectedCols + " as in " + expectedFrom + ", got "
                    + cols + ")");
        }
        return cols;
    }

    private void checkFinite(float[] values, int offset, int cols) {
        for (int i = 0; i < cols; i++) {
            float v = values[offset + i];
            if (!Float.isFinite(v)) {
                throw cursor.error("feature " + cursor.featureName(i) + " is not a finite number (got " + v + ")");
            }
        }
    }

    private float checkWeight(float weight) {
        if (!Float.isFinite(weight) || weight < 0) {
            throw cursor.error("sample weight is not a finite number >= 0 (got " + weight + ")");
        }
        return weight;
    }

    private float checkLabel(float label) {
        if (!Float.isFinite(label)) {
            throw cursor.error("label is not a finite number (got " + label + ")");
        }
        return label;
    }
}
