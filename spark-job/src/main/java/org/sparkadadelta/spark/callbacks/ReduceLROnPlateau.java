package org.sparkadadelta.spark.callbacks;

import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.spark.history.EpochRecord;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} (not below
 * {@code min_lr}) when the monitored quantity has not improved by {@code min_delta} for {@code patience}
 * epochs, then waits {@code cooldown} epochs before counting again. Keras's arguments and defaults
 * ({@code monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4, cooldown=0,
 * min_lr=0.0}). It sets the optimizer's learning-rate variable, so it needs an optimizer with a float
 * learning rate: with a schedule it is refused at the start of training with Keras's message (Keras raises it
 * at the first reduction). A resumed run replays the epochs in its history first, so it reduces where the
 * uninterrupted run would.
 */
public final class ReduceLROnPlateau implements Callback {
    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final int verbose;
    private final int cooldown;
    private final double minLr;

    private Double best;
    private int wait;
    private int cooldownCounter;

    public ReduceLROnPlateau(String monitor, double factor, int patience, int verbose, String mode, double minDelta,
            int cooldown, double minLr) {
        if (factor >= 1.0) {
            throw new IllegalArgumentException("ReduceLROnPlateau does not support a factor >= 1.0. Received factor="
                    + factor);
        }
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.factor = factor;
        this.patience = patience;
        this.verbose = verbose;
        this.cooldown = cooldown;
        this.minLr = minLr;
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        monitor.resolve(run, "ReduceLROnPlateau");
        requireSettableRate(run);
        best = null;
        wait = 0;
        cooldownCounter = 0;
        // A resumed run: count on from the epochs before its checkpoint (whose rate the optimizer restored).
        for (EpochRecord past : run.history().epochs()) {
            judge(run, past, false);
        }
    }

    /** Keras's refusal to assign a float over a schedule, before any step rather than at the first reduction. */
    static void requireSettableRate(TrainingRun run) {
        if (!(run.optimizer().learningRate() instanceof LearningRate.Constant)) {
            run.optimizer().setLearningRate(run.optimizer().learningRateValue()); // throws Keras's message
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochRecord record) {
        judge(run, record, true);
    }

    /**
     * Keras's decision at the end of an epoch; {@code live} false for an epoch before a resumed run's
     * checkpoint: its reduction happened then (its logged rate tells whether it could), nothing is set now.
     */
    private void judge(TrainingRun run, EpochRecord record, boolean live) {
        Double current = monitor.value(record.logs());
        if (current == null) {
            return;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(current, best)) {
            best = current;
            wait = 0;
        } else if (cooldownCounter <= 0) {
            wait++;
            if (wait >= patience && (live ? reduce(run, record.epoch()) : record.learningRate() > (float) minLr)) {
                cooldownCounter = cooldown;
                wait = 0;
            }
        }
    }

    /** Keras's {@code _reduce_optimizer_lr}: only above {@code min_lr} (as a float32). */
    private boolean reduce(TrainingRun run, int epoch) {
        double old = run.learningRate();
        if (!(old > (float) minLr)) {
            return false;
        }
        double lr = Math.max(old * factor, minLr);
        run.setLearningRate(lr);
        if (verbose > 0) {
            run.console().println("Epoch " + (epoch + 1) + ": ReduceLROnPlateau reducing learning rate to " + lr + ".");
        }
        return true;
    }
}
