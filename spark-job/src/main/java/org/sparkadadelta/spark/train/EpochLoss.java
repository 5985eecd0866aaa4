package org.sparkadadelta.spark.train;

/**
 * The running train loss of an epoch: the mean of its batch losses, each weighted by its rows. A resumed run
 * rebuilds it from the checkpoint's step records with the same additions in the same order, so the epoch's
 * {@link EpochRecord#trainLoss()} is bit-identical to an uninterrupted run's.
 */
final class EpochLoss {
    private double weightedSum;
    private long rows;
    private boolean complete = true;

    /** The loss of {@code epoch} after its first {@code stepsDone} steps, taken from {@code history}. */
    static EpochLoss resumed(History history, int epoch, long stepsDone) {
        EpochLoss loss = new EpochLoss();
        long next = 0;
        for (StepRecord s : history.steps()) {
            if (s.epoch() == epoch) {
                if (s.stepInEpoch() != next) {
                    break;
                }
                loss.add(s.loss(), s.examples());
                next++;
            }
        }
        // Steps missing (a checkpoint saved before histories were kept, or a run resumed from one): a mean
        // of only the resumed steps would pass for the epoch's loss, so the epoch's loss is reported as
        // unknown (NaN) instead; the step records still show every step that ran.
        loss.complete = next == stepsDone;
        return loss;
    }

    void add(double batchMeanLoss, long batchRows) {
        weightedSum += batchMeanLoss * batchRows;
        rows += batchRows;
    }

    /** The row-weighted mean so far; NaN without rows or if earlier steps of the epoch are unknown. */
    double mean() {
        return complete && rows > 0 ? weightedSum / rows : Double.NaN;
    }
}
