package org.sparkadadelta.spark.callbacks;

import org.sparkadadelta.spark.history.StepRecord;

/**
 * Keras's {@code TerminateOnNaN}: after a batch whose loss is NaN or infinite, stops training (the epoch
 * still ends with its validation and {@code on_epoch_end}, as in Keras), or with {@code raise_error=True}
 * fails the run at once.
 */
public final class TerminateOnNaN implements Callback {
    private final boolean raiseError;

    public TerminateOnNaN(boolean raiseError) {
        this.raiseError = raiseError;
    }

    public TerminateOnNaN() {
        this(false);
    }

    @Override
    public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
        if (Double.isFinite(step.loss())) {
            return;
        }
        if (raiseError) {
            throw new IllegalStateException("NaN or Inf loss encountered at batch " + step.stepInEpoch()
                    + ". Loss value: " + step.loss() + ". Terminating training immediately.");
        }
        run.console().println("Batch " + step.stepInEpoch() + ": Invalid loss, terminating training");
        run.stopTraining();
    }
}
