package org.sparkadadelta.spark.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.StepRecord;

/**
 * Keras's {@code ModelCheckpoint} for our checkpoints: saves the whole training state (weights, every
 * optimizer variable, position, history; see {@link CheckpointState}) into a {@link CheckpointStore} every
 * {@code save_freq} optimizer steps, or at the end of every epoch ({@link #EVERY_EPOCH}), and always at the
 * end of the last epoch run (the last one configured, or the one training stopped after), before EMA's
 * {@code finalize_variable_values}. A step that ends an epoch is saved after the epoch's validation, so the
 * checkpoint's history includes the epoch. An epoch cut short by a stop is not a point to resume from and is
 * not saved. Add it after callbacks that stop training (as the job does), so that it sees their stop.
 */
public final class ModelCheckpoint implements Callback {
    /** {@code save_freq="epoch"}: at the end of every epoch. */
    public static final long EVERY_EPOCH = 0;

    private final CheckpointStore store;
    private final long saveFreq;
    private final Map<String, Object> jobConfig;
    private SamplerParams sampler;
    private SetupFingerprint fingerprint;

    /**
     * @param saveFreq  optimizer steps between saves, or {@link #EVERY_EPOCH}
     * @param jobConfig recorded in each checkpoint's manifest
     */
    public ModelCheckpoint(CheckpointStore store, long saveFreq, Map<String, Object> jobConfig) {
        if (saveFreq < 0) {
            throw new IllegalArgumentException("save_freq must be a number of steps >= 1 or 'epoch'; got " + saveFreq);
        }
        this.store = store;
        this.saveFreq = saveFreq;
        this.jobConfig = Map.copyOf(jobConfig);
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        sampler = SamplerParams.of(run);
        fingerprint = RunFingerprint.of(run);
    }

    @Override
    public long stepsUntilDue(long globalStep) {
        return saveFreq == EVERY_EPOCH ? Long.MAX_VALUE : saveFreq - globalStep % saveFreq;
    }

    @Override
    public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
        // An epoch's last step is saved at the epoch's end, with its EpochRecord.
        if (run.stepInEpoch() < run.stepsPerEpoch() && stepDue(run.globalStep())) {
            save(run, run.epoch(), run.stepInEpoch());
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochRecord epoch) {
        boolean complete = run.stepInEpoch() == run.stepsPerEpoch();
        boolean last = epoch.epoch() == run.epochs() - 1 || run.stopRequested();
        if (complete && (saveFreq == EVERY_EPOCH || stepDue(run.globalStep()) || last)) {
            save(run, epoch.epoch() + 1, 0);
        }
    }

    private boolean stepDue(long globalStep) {
        return saveFreq != EVERY_EPOCH && globalStep % saveFreq == 0;
    }

    private void save(TrainingRun run, int epoch, long stepInEpoch) {
        CheckpointState state = CheckpointState.capture(run.globalStep(), epoch, stepInEpoch,
                run.network().layout(), run.getWeights(), run.optimizer(), sampler, fingerprint, jobConfig,
                run.history());
        try {
            store.save(state);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint of step " + state.globalStep() + " under "
                    + store.root() + ": " + e.getMessage(), e);
        }
    }
}
