package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.Loss;

/**
 * The running loss and metric of an epoch, as Keras's {@code fit} accumulates them: the loss is the mean of
 * the batch losses weighted by their rows; the metric is the mean of the batch metrics weighted by their
 * summed sample weights (of the squared batch RMSEs, then the root, for RMSE). Built from the step records
 * alone, so a resumed run rebuilds it from the checkpoint's records with the same additions in the same order
 * and the epoch's values are bit-identical to an uninterrupted run's.
 */
final class EpochMeans {
    private final boolean rootOfMean;
    private double lossSum;
    private long rows;
    private double metricSum;
    private double weight;
    private boolean complete = true;

    /** @param metric the model's metric: {@code root_mean_squared_error} is averaged as squares */
    EpochMeans(String metric) {
        this.rootOfMean = Loss.isRootOfMean(metric);
    }

    /** The means of {@code epoch} after its first {@code stepsDone} steps, taken from {@code history}. */
    static EpochMeans resumed(History history, int epoch, long stepsDone, String metric) {
        EpochMeans means = new EpochMeans(metric);
        long next = 0;
        for (StepRecord s : history.steps()) {
            if (s.epoch() == epoch) {
                if (s.stepInEpoch() != next) {
                    break;
                }
                means.add(s);
                next++;
            }
        }
        // Steps missing (a checkpoint saved before histories were kept, or a run resumed from one): a mean
        // of only the resumed steps would pass for the epoch's, so the epoch's values are reported as unknown
        // (NaN) instead; the step records still show every step that ran.
        means.complete = next == stepsDone;
        return means;
    }

    void add(StepRecord step) {
        lossSum += step.loss() * step.examples();
        rows += step.examples();
        double m = rootOfMean ? step.metric() * step.metric() : step.metric();
        metricSum += m * step.weight();
        weight += step.weight();
    }

    /** The row-weighted mean loss so far; NaN without rows or if earlier steps of the epoch are unknown. */
    double loss() {
        return complete && rows > 0 ? lossSum / rows : Double.NaN;
    }

    /** The weighted mean metric so far; NaN without weight or if earlier steps of the epoch are unknown. */
    double metric() {
        if (!complete || !(weight > 0)) {
            return Double.NaN;
        }
        double mean = metricSum / weight;
        return rootOfMean ? Math.sqrt(mean) : mean;
    }
}
