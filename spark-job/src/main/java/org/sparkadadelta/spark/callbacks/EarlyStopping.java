package org.sparkadadelta.spark.callbacks;

import org.sparkadadelta.spark.history.EpochRecord;

/**
 * Keras's {@code EarlyStopping}: stops training when the monitored quantity has not improved for
 * {@code patience} epochs, counting from {@code start_from_epoch}, with Keras's arguments and defaults
 * ({@code monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
 * restore_best_weights=False, start_from_epoch=0}) and Keras's counting: the wait grows at every epoch that
 * does not beat the best by {@code min_delta}, and is reset only by an epoch that also beats
 * {@code baseline}. With {@code restore_best_weights} the weights of the best epoch are set back at the end
 * of training (after EMA's {@code finalize_variable_values}, as in Keras), whether or not training stopped early.
 * A resumed run replays the epochs in its history first, so it stops where the uninterrupted run would.
 */
public final class EarlyStopping implements Callback {
    private final Monitor monitor;
    private final int patience;
    private final int verbose;
    private final Double baseline;
    private final boolean restoreBestWeights;
    private final int startFromEpoch;

    private int wait;
    private int stoppedEpoch;
    private Double best;
    private float[] bestWeights;
    private int bestEpoch;

    public EarlyStopping(String monitor, double minDelta, int patience, int verbose, String mode, Double baseline,
            boolean restoreBestWeights, int startFromEpoch) {
        this.monitor = new Monitor(monitor, mode, minDelta);
        this.patience = patience;
        this.verbose = verbose;
        this.baseline = baseline;
        this.restoreBestWeights = restoreBestWeights;
        this.startFromEpoch = startFromEpoch;
    }

    /** Keras's defaults, monitoring {@code monitor} with the given {@code patience}. */
    public static EarlyStopping of(String monitor, int patience) {
        return new EarlyStopping(monitor, 0, patience, 0, "auto", null, false, 0);
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        monitor.resolve(run, "EarlyStopping");
        wait = 0;
        stoppedEpoch = 0;
        best = null;
        bestWeights = null;
        bestEpoch = 0;
        // A resumed run: count on from the epochs before its checkpoint, as the uninterrupted run did.
        for (EpochRecord past : run.history().epochs()) {
            judge(run, past, false);
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochRecord record) {
        judge(run, record, true);
    }

    /**
     * Keras's decision at the end of an epoch; {@code live} false for an epoch before a resumed run's
     * checkpoint, whose weights are gone (a best epoch among those restores the weights at the resume).
     */
    private void judge(TrainingRun run, EpochRecord record, boolean live) {
        int epoch = record.epoch();
        Double current = monitor.value(record.logs());
        if (current == null || epoch < startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null && live) {
            bestWeights = run.getWeights(); // nothing better seen yet: these are the best
            bestEpoch = epoch;
        }
        wait++;
        if (monitor.improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = live ? run.getWeights() : null;
            }
            if (baseline == null || monitor.improves(current, baseline)) {
                wait = 0; // only an epoch beating both the best and the baseline restarts the wait
            }
            return;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            run.stopTraining();
        }
    }

    @Override
    public void onTrainEnd(TrainingRun run) {
        if (stoppedEpoch > 0 && verbose > 0) {
            run.console().println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
        }
        if (restoreBestWeights && bestWeights != null) {
            if (verbose > 0) {
                run.console().println("Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
            }
            run.setWeights(bestWeights);
        }
    }

    /** The epoch (0-based) at which this callback stopped training, or 0 if it did not. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch (0-based) with the best monitored value so far. */
    public int bestEpoch() {
        return bestEpoch;
    }
}
