package org.sparkadadelta.spark.data;

import java.io.Serializable;

/**
 * What the loader saw of the labels, so that a model can reject labels it cannot learn before training
 * starts (e.g. a class index of 10 for a 10-class softmax, or a fractional class label).
 *
 * <p>A plain class rather than a record: it travels back from tasks as a result, and the Kryo version Spark
 * ships cannot serialize records.
 */
public final class LabelSummary implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final LabelSummary EMPTY = new LabelSummary(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            true, -1);

    private final double min;
    private final double max;
    private final boolean allIntegral;
    private final long firstBadRow;

    /**
     * @param min         smallest label
     * @param max         largest label
     * @param allIntegral whether every label is a whole number
     * @param firstBadRow global index of the first non-integral label, or -1
     */
    public LabelSummary(double min, double max, boolean allIntegral, long firstBadRow) {
        this.min = min;
        this.max = max;
        this.allIntegral = allIntegral;
        this.firstBadRow = firstBadRow;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public boolean allIntegral() {
        return allIntegral;
    }

    public long firstBadRow() {
        return firstBadRow;
    }

    public LabelSummary add(long row, float label) {
        boolean integral = label == Math.rint(label);
        return new LabelSummary(Math.min(min, label), Math.max(max, label), allIntegral && integral,
                firstBadRow >= 0 || integral ? firstBadRow : row);
    }

    public LabelSummary merge(LabelSummary o) {
        long bad = firstBadRow < 0 ? o.firstBadRow
                : o.firstBadRow < 0 ? firstBadRow : Math.min(firstBadRow, o.firstBadRow);
        return new LabelSummary(Math.min(min, o.min), Math.max(max, o.max), allIntegral && o.allIntegral, bad);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSummary s && Double.compare(min, s.min) == 0 && Double.compare(max, s.max) == 0
                && allIntegral == s.allIntegral && firstBadRow == s.firstBadRow;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(min) * 31 + Double.hashCode(max) + Long.hashCode(firstBadRow);
    }

    @Override
    public String toString() {
        return "labels in [" + min + ", " + max + "]" + (allIntegral ? ", all integral" : ", first non-integral at row "
                + firstBadRow);
    }
}
