package org.sparkadadelta.spark.data;

import java.io.Serializable;

/**
 * What the loader saw of the labels, so that a model can reject labels it cannot learn before training
 * starts (e.g. a class index of 10 for a 10-class softmax, or a fractional class label).
 *
 * @param min           smallest label
 * @param max           largest label
 * @param allIntegral   whether every label is a whole number
 * @param firstBadRow   global index of the first non-integral label, or -1
 */
public record LabelSummary(double min, double max, boolean allIntegral, long firstBadRow) implements Serializable {
    public static final LabelSummary EMPTY = new LabelSummary(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, true, -1);

    public LabelSummary add(long row, float label) {
        boolean integral = label == Math.rint(label);
        return new LabelSummary(Math.min(min, label), Math.max(max, label), allIntegral && integral,
                firstBadRow >= 0 || integral ? firstBadRow : row);
    }

    public LabelSummary merge(LabelSummary o) {
        long bad = firstBadRow < 0 ? o.firstBadRow : o.firstBadRow < 0 ? firstBadRow : Math.min(firstBadRow, o.firstBadRow);
        return new LabelSummary(Math.min(min, o.min), Math.max(max, o.max), allIntegral && o.allIntegral, bad);
    }
}
