package org.sparkadadelta.spark.callbacks;

import java.io.Serializable;

/**
 * Keras's {@code LearningRateScheduler}: at the beginning of every epoch, sets the learning rate to
 * {@code schedule(epoch, current learning rate)}. Java only (a Keras schedule function does not serialize);
 * needs an optimizer with a float learning rate, as in Keras.
 */
public final class LearningRateScheduler implements Callback {
    /** Keras's {@code schedule(epoch, lr)}: the 0-based epoch and the current rate give the new rate. */
    @FunctionalInterface
    public interface Schedule extends Serializable {
        double learningRate(int epoch, double currentLearningRate);
    }

    private final Schedule schedule;
    private final int verbose;

    public LearningRateScheduler(Schedule schedule, int verbose) {
        this.schedule = schedule;
        this.verbose = verbose;
    }

    public LearningRateScheduler(Schedule schedule) {
        this(schedule, 0);
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        ReduceLROnPlateau.requireSettableRate(run);
    }

    @Override
    public void onEpochBegin(TrainingRun run, int epoch) {
        double lr = schedule.learningRate(epoch, run.learningRate());
        run.setLearningRate(lr);
        if (verbose > 0) {
            run.console().println("Epoch " + (epoch + 1) + ": LearningRateScheduler setting learning rate to " + lr + ".");
        }
    }
}
