package org.sparkadadelta.spark.model;

import java.io.Serializable;

/**
 * Sums what executors compute over their rows: the gradient of the summed loss, the loss, the metric terms,
 * the row count and the summed sample weights. A Spark aggregator in the {@code add}/{@code merge} style: the gradient buffer is
 * allocated on first use, so the zero value shipped with every task is a few bytes, not a d-sized array.
 * The gradient sum is float32, as the matrix products produce it (a double copy would double every task
 * result sent to the driver); loss and metric sums are double. The driver divides by the count once.
 */
public final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Row counts up to 2^24 are exact as floats. */
    private static final long EXACT_FLOAT_COUNT = 1L << 24;

    private float[] gradient;
    private long count;
    private double lossSum;
    private double metricSum;
    private double weightSum;

    /** The gradient accumulator, allocated on first use. */
    float[] gradientBuffer(int size) {
        if (gradient == null) {
            gradient = new float[size];
        }
        return gradient;
    }

    void addBatch(long rows, double weights, double loss, double metric) {
        count += rows;
        weightSum += weights;
        lossSum += loss;
        metricSum += metric;
    }

    /** Adds {@code other} into this and returns this. */
    public GradientSum merge(GradientSum other) {
        if (other.gradient != null) {
            if (gradient == null) {
                gradient = other.gradient.clone();
            } else {
                for (int i = 0; i < gradient.length; i++) {
                    gradient[i] += other.gradient[i];
                }
            }
        }
        count += other.count;
        lossSum += other.lossSum;
        metricSum += other.metricSum;
        weightSum += other.weightSum;
        return this;
    }

    public long count() {
        return count;
    }

    public double lossSum() {
        return lossSum;
    }

    public double metricSum() {
        return metricSum;
    }

    /** The mean gradient as float32, as a Keras gradient would be; zeros when nothing was added. */
    public float[] meanGradient(int size) {
        float[] mean = new float[size];
        if (gradient != null && count > 0) {
            if (count <= EXACT_FLOAT_COUNT) {
                // The same floats as the double quotient below: a float divided by a float (the count is one
                // exactly), computed in double and rounded to float, is the correctly rounded float quotient
                // (double has more than 2 x 24 + 2 bits), which is what float division gives; and it vectorizes.
                float n = count;
                for (int i = 0; i < size; i++) {
                    mean[i] = gradient[i] / n;
                }
            } else {
                for (int i = 0; i < size; i++) {
                    mean[i] = (float) ((double) gradient[i] / count);
                }
            }
        }
        return mean;
    }

    /** The summed sample weights of the rows (the row count without weights). */
    public double weightSum() {
        return weightSum;
    }

    public double meanLoss() {
        return lossSum / count;
    }

    /**
     * Accuracy (fraction correct) for classifiers; RMSE for regression, given the loss's metric. Sample-weighted
     * as Keras's metrics are: divided by the summed weights (the row count without weights).
     */
    public double metric(Loss loss) {
        return Loss.isRootOfMean(loss.metric()) ? Math.sqrt(metricSum / weightSum) : metricSum / weightSum;
    }
}
