package org.sparkadadelta.spark.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.train.ResumePoint;

/**
 * Everything a training run needs to continue bit for bit after step {@link #globalStep()}: where it is in
 * the data, the model weights, every optimizer tensor in Keras's order, the optimizer's Keras config, the
 * sampler's parameters and the job's config; and the run's {@link History} up to that step, so that a resumed
 * run's history, including the train loss of the epoch it resumes in, is the uninterrupted run's.
 */
public final class CheckpointState implements ResumePoint {
    private final long globalStep;
    private final int epoch;
    private final long stepInEpoch;
    private final ParameterLayout layout;
    private final float[] weights;
    private final List<SavedTensor> optimizerTensors;
    private final Map<String, Object> optimizerConfig;
    private final SamplerParams sampler;
    private final SetupFingerprint fingerprint;
    private final Map<String, Object> jobConfig;
    private final History history;
    private final String origin;

    /**
     * @param fingerprint the setup the state was trained with, which a resumed run must match
     * @param history     the records up to {@code globalStep}, or null if unknown (a checkpoint written before
     *                    histories were saved)
     * @throws IllegalArgumentException if the weights do not fit the layout, or the history's last step is not
     *                                  the one before {@code globalStep}
     */
    public CheckpointState(long globalStep, int epoch, long stepInEpoch, ParameterLayout layout, float[] weights,
                           List<SavedTensor> optimizerTensors, Map<String, Object> optimizerConfig,
                           SamplerParams sampler, SetupFingerprint fingerprint, Map<String, Object> jobConfig,
                           History history) {
        this(globalStep, epoch, stepInEpoch, layout, weights, optimizerTensors, optimizerConfig, sampler, fingerprint,
                jobConfig, history, null);
    }

    /** @param origin where the state was read from, for messages; null for a state not read from a store */
    CheckpointState(long globalStep, int epoch, long stepInEpoch, ParameterLayout layout, float[] weights,
                    List<SavedTensor> optimizerTensors, Map<String, Object> optimizerConfig, SamplerParams sampler,
                    SetupFingerprint fingerprint, Map<String, Object> jobConfig, History history, String origin) {
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("The layout has " + layout.size() + " parameters, the weights "
                    + weights.length);
        }
        if (history != null && !history.steps().isEmpty() && lastStep(history) != globalStep - 1) {
            throw new IllegalArgumentException("The history of the checkpoint at step " + globalStep
                    + " ends with step " + lastStep(history) + ", not " + (globalStep - 1));
        }
        this.globalStep = globalStep;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.layout = layout;
        this.weights = weights.clone();
        this.optimizerTensors = List.copyOf(optimizerTensors);
        this.optimizerConfig = ordered(optimizerConfig);
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.jobConfig = ordered(jobConfig);
        this.history = history == null ? null : history.copy();
        this.origin = origin;
    }

    private static long lastStep(History history) {
        List<StepRecord> steps = history.steps();
        return steps.get(steps.size() - 1).step();
    }

    /** A snapshot of a live, built optimizer, the weights and the history; later steps do not change it. */
    public static CheckpointState capture(long globalStep, int epoch, long stepInEpoch, ParameterLayout layout,
                                          float[] weights, Optimizer optimizer, SamplerParams sampler,
                                          SetupFingerprint fingerprint, Map<String, Object> jobConfig,
                                          History history) {
        requireBuilt(optimizer);
        List<SavedTensor> tensors = optimizer.optimizerVariables().stream().map(SavedTensor::of).toList();
        return new CheckpointState(globalStep, epoch, stepInEpoch, layout, weights, tensors,
                OptimizerSerialization.serialize(optimizer), sampler, fingerprint, jobConfig,
                Objects.requireNonNull(history, "history"));
    }

    /**
     * Writes the saved optimizer tensors into {@code optimizer}, built on the model's variables. Nothing is
     * written unless every tensor matches.
     *
     * @throws IllegalArgumentException naming the first tensor whose path, role, dtype or shape differs
     */
    @Override
    public void restoreInto(Optimizer optimizer) {
        requireBuilt(optimizer);
        List<SavedTensor> live = optimizer.optimizerVariables().stream().map(SavedTensor::of).toList();
        for (int i = 0; i < Math.max(live.size(), optimizerTensors.size()); i++) {
            String saved = i < optimizerTensors.size() ? optimizerTensors.get(i).signature() : "no tensor";
            String found = i < live.size() ? live.get(i).signature() : "no variable";
            if (!saved.equals(found)) {
                throw new IllegalArgumentException("The checkpoint does not match the optimizer at optimizer variable "
                        + i + ": checkpoint has " + saved + ", optimizer has " + found);
            }
        }
        for (int i = 0; i < live.size(); i++) {
            optimizer.optimizerVariables().get(i).variable().assign(optimizerTensors.get(i).toArray());
        }
    }

    private static void requireBuilt(Optimizer optimizer) {
        if (!optimizer.isBuilt()) {
            throw new IllegalStateException("The optimizer '" + optimizer.name() + "' must be built first");
        }
    }

    // Map.copyOf would refuse JSON nulls and lose the order.
    private static Map<String, Object> ordered(Map<String, Object> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The number of completed optimizer steps. */
    @Override
    public long globalStep() {
        return globalStep;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long stepInEpoch() {
        return stepInEpoch;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** A copy of the flat weights, in layout order. */
    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** The optimizer tensors in Keras's order ({@link Optimizer#optimizerVariables()}). */
    public List<SavedTensor> optimizerTensors() {
        return optimizerTensors;
    }

    /** {@link OptimizerSerialization#serialize} of the optimizer. */
    public Map<String, Object> optimizerConfig() {
        return optimizerConfig;
    }

    public SamplerParams sampler() {
        return sampler;
    }

    public SetupFingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * Refuses to continue this state with another setup.
     *
     * @throws IllegalArgumentException naming every key on which {@code run} differs, with both values
     */
    public void requireSameSetup(SetupFingerprint run) {
        List<String> differences = fingerprint.differences(run);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + describe() + ": it was written with a "
                    + "different setup: " + String.join("; ", differences) + "; start a new checkpoint.path or "
                    + "restore the original settings");
        }
    }

    /** Refuses to continue this state in {@code run} unless it has the setup the state was written with. */
    @Override
    public void requireSameSetup(TrainingRun run) {
        requireSameSetup(RunFingerprint.of(run));
    }

    /** The checkpoint's directory when it was read from a store, else its step. */
    public String describe() {
        return origin != null ? "checkpoint " + origin : "the checkpoint of step " + globalStep;
    }

    public Map<String, Object> jobConfig() {
        return jobConfig;
    }

    /**
     * A copy of the run's history up to {@link #globalStep()}: every step and every finished epoch (a run
     * resumed from a checkpoint without one has only the records since). Empty if the checkpoint has no
     * history, being older than that part of the format.
     */
    @Override
    public Optional<History> history() {
        return Optional.ofNullable(history).map(History::copy);
    }
}
