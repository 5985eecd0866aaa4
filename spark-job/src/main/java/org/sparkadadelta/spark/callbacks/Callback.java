package org.sparkadadelta.spark.callbacks;

import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.StepRecord;

/**
 * Keras's {@code keras.callbacks.Callback} for our training loop: hooks at the same points of {@code fit},
 * all on the driver, in the order the callbacks were added. Through {@link TrainingRun} a callback can stop
 * training, read and set the weights and the learning rate. Keras's {@code logs} are the records:
 * {@link EpochRecord#logs()} at the end of an epoch, the {@link StepRecord} after a batch.
 */
public interface Callback {
    /** Before the first step (also of a resumed run, after its state is restored). */
    default void onTrainBegin(TrainingRun run) {
    }

    /** An epoch begins (also the epoch a resumed run continues in). */
    default void onEpochBegin(TrainingRun run, int epoch) {
    }

    /** After each optimizer step; {@code step.stepInEpoch()} is Keras's {@code batch}. */
    default void onTrainBatchEnd(TrainingRun run, StepRecord step) {
    }

    /** After the epoch's validation; {@code epoch.logs()} are Keras's epoch logs. */
    default void onEpochEnd(TrainingRun run, EpochRecord epoch) {
    }

    /**
     * After the last epoch (or the stop), after {@code finalize_variable_values} as in Keras's {@code fit}; the
     * weights then are the run's result.
     */
    default void onTrainEnd(TrainingRun run) {
    }

    /**
     * How many optimizer steps from {@code globalStep} this callback lets run before it must see the state
     * again in {@link #onTrainBatchEnd} (steps computed ahead in one Spark job stop there); unbounded by default.
     */
    default long stepsUntilDue(long globalStep) {
        return Long.MAX_VALUE;
    }
}
