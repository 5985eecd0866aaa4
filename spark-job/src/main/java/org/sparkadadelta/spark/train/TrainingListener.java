package org.sparkadadelta.spark.train;

/** Follows a training run: progress bars, logs, notebooks' live plots. All methods run on the driver. */
public interface TrainingListener {
    default void onStart(int epochs, long stepsPerEpoch) {
    }

    /** An epoch begins (also the epoch a resumed run continues in). */
    default void onEpochStart(int epoch) {
    }

    default void onStep(StepRecord step) {
    }

    default void onEpoch(EpochRecord epoch) {
    }
}
