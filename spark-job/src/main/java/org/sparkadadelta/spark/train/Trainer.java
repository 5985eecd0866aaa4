package org.sparkadadelta.spark.train;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.SamplerParams;
import org.sparkadadelta.spark.checkpoint.SetupFingerprint;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * The distributed training loop. Each step: broadcast the weights (a float array), let every partition sum
 * the loss gradient of its rows in the step's mini-batch, combine the sums with one {@code treeAggregate},
 * and on the driver turn the sum into the batch mean and hand it to the Keras optimizer. The gradient is that
 * of the loss scaled by {@link Optimizer#lossScale()} (shipped in the task closure), as Keras's {@code fit()}
 * differentiates {@code optimizer.scale_loss(loss)}; losses are recorded unscaled. Ends with
 * {@code finalizeVariableValues}, as Keras's {@code fit()} does.
 *
 * <p>With gradient accumulation the weights stay put between most micro-steps: the micro-steps up to the
 * next change of the weights or the loss scale ({@link UniformStretch}) share one Spark job, which returns
 * each micro-batch's sum, and the driver applies them one by one, exactly as a job per micro-step would.
 */
public final class Trainer {
    private static final long NOT_A_TRAINING_STEP = -1;

    private final JavaSparkContext spark;
    private final Network network;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private CheckpointStore checkpoints;
    private long checkpointEvery;
    private Map<String, Object> jobConfig = Map.of();
    private boolean oneJobPerStep;
    private Consumer<Optimizer> initialOptimizerState;

    public Trainer(JavaSparkContext spark, Network network, Optimizer optimizer, TrainingOptions options) {
        this.spark = spark;
        this.network = network;
        this.optimizer = optimizer;
        this.options = options;
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Saves a checkpoint every {@code everySteps} optimizer steps and after the last one (before
     * {@code finalizeVariableValues}), with {@code jobConfig} recorded alongside.
     */
    public Trainer checkpointTo(CheckpointStore store, long everySteps, Map<String, Object> jobConfig) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1 step; got " + everySteps);
        }
        this.checkpoints = store;
        this.checkpointEvery = everySteps;
        this.jobConfig = jobConfig;
        return this;
    }

    /**
     * Runs one Spark job per micro-step even where several could share one (see {@link UniformStretch}): the
     * reference the tests compare the shared jobs against, bit for bit.
     */
    Trainer oneJobPerStep() {
        this.oneJobPerStep = true;
        return this;
    }

    /** Trains from the network's seeded initialisation. */
    public TrainingResult fit(TrainingData train, TrainingData validation) {
        return fit(train, validation, network.initialParameters(options.modelSeed()));
    }

    /** Trains from the given initial weights; {@code validation} may be null. */
    public TrainingResult fit(TrainingData train, TrainingData validation, float[] initialWeights) {
        return fit(train, validation, initialWeights, null);
    }

    /**
     * Trains from the given weights and optimizer state, e.g. a Keras file's: the optimizer is built on the
     * model's variables and handed to {@code initialOptimizerState} (null: none) before the first step.
     */
    public TrainingResult fit(TrainingData train, TrainingData validation, float[] initialWeights,
            Consumer<Optimizer> initialOptimizerState) {
        this.initialOptimizerState = initialOptimizerState;
        return run(train, validation, initialWeights, null);
    }

    /**
     * Continues a run from a checkpoint: its weights, every optimizer variable, and the position in the
     * seeded batch order, so that the rest of the run is bit-identical to an uninterrupted one. The
     * optimizer must be a fresh one built from the same Keras config (same name, hence the same paths).
     */
    public TrainingResult resume(TrainingData train, TrainingData validation, CheckpointState state) {
        return run(train, validation, state.weights(), state);
    }

    private TrainingResult run(TrainingData train, TrainingData validation, float[] initialWeights,
            CheckpointState resumeFrom) {
        ModelDataCheck.requireCompatible(network, train, "training data");
        if (validation != null) {
            ModelDataCheck.requireCompatible(network, validation, "validation data");
        }
        DriverParameters params = new DriverParameters(network.layout(), initialWeights);
        BatchSampler sampler = new BatchSampler(train.rows(), options.batchSize(), options.shuffleSeed());
        SamplerParams samplerParams = new SamplerParams(train.rows(), sampler.batchSize(), options.shuffleSeed());
        SetupFingerprint fingerprint = RunFingerprint.of(optimizer, network, samplerParams, train);
        long globalStep = 0;
        int firstEpoch = 0;
        long firstStep = 0;
        History history = new History();
        UniformStretch stretch = UniformStretch.of(optimizer);
        long microBatchesPerJob = MicroBatchSums.maxMicroBatches(network.layout().size(),
                train.blocks().getNumPartitions());
        if (resumeFrom != null) {
            resumeFrom.requireSameSetup(fingerprint);
            optimizer.build(params.variables());
            resumeFrom.restoreInto(optimizer);
            globalStep = resumeFrom.globalStep();
            firstEpoch = resumeFrom.epoch();
            firstStep = resumeFrom.stepInEpoch();
            // Checkpoints from before histories were saved have none: the history starts at the checkpoint.
            history = resumeFrom.history().orElseGet(History::new);
        } else if (initialOptimizerState != null) {
            optimizer.build(params.variables());
            initialOptimizerState.accept(optimizer);
        }
        listeners.forEach(l -> l.onStart(options.epochs(), sampler.stepsPerEpoch()));
        long start = System.nanoTime();
        for (int epoch = firstEpoch; epoch < options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            EpochLoss epochLoss = epoch == firstEpoch ? EpochLoss.resumed(history, epoch, firstStep) : new EpochLoss();
            int e = epoch;
            listeners.forEach(l -> l.onEpochStart(e));
            long step = epoch == firstEpoch ? firstStep : 0;
            while (step < sampler.stepsPerEpoch()) {
                long stepStart = System.nanoTime();
                // Keras's scale_loss: the gradients are those of loss * scale (loss_scale_factor, or the LSO's
                // dynamic scale, read now since the last step or a restore may have changed it); apply()
                // divides them again, and skips the step if they overflowed. The loss stays unscaled.
                float lossScale = (float) optimizer.lossScale();
                float[] weights = params.snapshot();
                // The micro-steps up to the next weight or scale change share one Spark job (UniformStretch),
                // within the epoch, up to the next checkpoint, and as many as one job's results may carry.
                long limit = Math.min(Math.min(sampler.stepsPerEpoch() - step, stepsToNextCheckpoint(globalStep)),
                        microBatchesPerJob);
                int count = oneJobPerStep ? 1 : (int) stretch.length(limit);
                spark.setJobDescription(count == 1
                        ? String.format("train epoch %d/%d step %d/%d", epoch + 1, options.epochs(), step + 1,
                                sampler.stepsPerEpoch())
                        : String.format("train epoch %d/%d steps %d-%d/%d", epoch + 1, options.epochs(), step + 1,
                                step + count, sampler.stepsPerEpoch()));
                GradientSum[] sums = count == 1
                        ? new GradientSum[] {gradientOfStep(train.blocks(), weights, lossScale, sampler, epoch, step,
                                globalStep)}
                        : gradientsOfSteps(train.blocks(), weights, lossScale, sampler, epoch, step, count,
                                globalStep);
                for (int k = 0; k < count; k++) {
                    GradientSum sum = sums[k];
                    double loss = sum.meanLoss();
                    // Divergence is judged on the unscaled loss: a scaled gradient that overflowed is a step a
                    // LossScaleOptimizer skips (halving its scale), not divergence.
                    if (!Double.isFinite(loss) && options.stopOnDivergence()) {
                        throw new DivergenceException("Training diverged: the mean loss of epoch " + (epoch + 1)
                                + " step " + (step + 1) + " is " + loss + ". Lower the learning rate, add clipping "
                                + "(clipnorm/global_clipnorm), or set training.stop_on_divergence=false to continue "
                                + "as Keras would.");
                    }
                    double lr = optimizer.learningRateValue();
                    optimizer.apply(params.split(sum.meanGradient(network.layout().size())), params.variables());
                    StepRecord record = new StepRecord(globalStep, epoch, (int) step, loss, lr, sum.count(),
                            seconds(stepStart));
                    globalStep++;
                    step++;
                    history.add(record);
                    epochLoss.add(loss, sum.count());
                    // An epoch's last step is checkpointed after its EpochRecord, which the checkpoint's history
                    // needs.
                    if (step < sampler.stepsPerEpoch() && checkpointDue(globalStep, false)) {
                        saveCheckpoint(globalStep, epoch, step, params, samplerParams, fingerprint, history);
                    }
                    listeners.forEach(l -> l.onStep(record));
                    // Gradients computed ahead hold only at the same weights and scale; a LossScaleOptimizer's
                    // skipped step halves the scale: drop the rest, the next job starts from the new state.
                    if (k + 1 < count && !UniformStretch.unchanged(weights, lossScale, params.current(),
                            (float) optimizer.lossScale())) {
                        break;
                    }
                    stepStart = System.nanoTime();
                }
            }
            double validationLoss = Double.NaN;
            double validationMetric = Double.NaN;
            if (validation != null) {
                spark.setJobDescription(String.format("validate epoch %d/%d", epoch + 1, options.epochs()));
                GradientSum v = evaluate(validation.blocks(), params.snapshot());
                validationLoss = v.meanLoss();
                validationMetric = v.metric(network.loss());
            }
            EpochRecord record = new EpochRecord(epoch, epochLoss.mean(), validationLoss, validationMetric,
                    network.loss().metric(), seconds(epochStart));
            history.add(record);
            if (checkpointDue(globalStep, epoch == options.epochs() - 1)) {
                saveCheckpoint(globalStep, epoch + 1, 0, params, samplerParams, fingerprint, history);
            }
            listeners.forEach(l -> l.onEpoch(record));
        }
        optimizer.finalizeVariableValues(params.variables());
        float[] weights = params.snapshot();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("steps", globalStep);
        metrics.put("train_seconds", seconds(start));
        if (!history.epochs().isEmpty()) {
            metrics.put("final_train_loss", history.epochs().get(history.epochs().size() - 1).trainLoss());
        }
        if (validation != null) {
            spark.setJobDescription("evaluate final weights");
            GradientSum v = evaluate(validation.blocks(), weights);
            metrics.put("validation_loss", v.meanLoss());
            metrics.put("validation_" + network.loss().metric(), v.metric(network.loss()));
        }
        spark.setJobDescription(null);
        return new TrainingResult(network, weights, history, optimizer, metrics);
    }

    /** Whether the step count calls for a checkpoint; the run's last step always does. */
    private boolean checkpointDue(long globalStep, boolean lastStep) {
        return checkpoints != null && (globalStep % checkpointEvery == 0 || lastStep);
    }

    /** Micro-steps up to and including the next one after which a checkpoint is due (unbounded without). */
    private long stepsToNextCheckpoint(long globalStep) {
        return checkpoints == null ? Long.MAX_VALUE : checkpointEvery - globalStep % checkpointEvery;
    }

    private void saveCheckpoint(long globalStep, int epoch, long stepInEpoch, DriverParameters params,
            SamplerParams samplerParams, SetupFingerprint fingerprint, History history) {
        CheckpointState state = CheckpointState.capture(globalStep, epoch, stepInEpoch, network.layout(),
                params.snapshot(), optimizer, samplerParams, fingerprint, jobConfig, history);
        try {
            checkpoints.save(state);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the checkpoint of step " + state.globalStep() + " under "
                    + checkpoints.root() + ": " + e.getMessage(), e);
        }
    }

    /** Loss and metric of the whole dataset at the given weights. */
    public GradientSum evaluate(JavaRDD<DenseBlock> blocks, float[] weights) {
        Network net = network;
        return sumOverPartitions(blocks, weights, NOT_A_TRAINING_STEP, (unpacked, it, sum) -> {
            while (it.hasNext()) {
                DenseBlock block = it.next();
                net.evaluate(unpacked, block.features(), block.labels(), block.rows(), sum);
            }
        });
    }

    /** The summed loss and the summed gradient of {@code lossScale} times the loss, over the step's batch. */
    private GradientSum gradientOfStep(JavaRDD<DenseBlock> blocks, float[] weights, float lossScale,
            BatchSampler sampler, int epoch, long step, long globalStep) {
        return sumOverPartitions(blocks, weights, globalStep, stepGradient(lossScale, sampler, epoch, step));
    }

    /** What one task adds for one step: its partition's rows of the step's batch. */
    private PartitionSum stepGradient(float lossScale, BatchSampler sampler, int epoch, long step) {
        Network net = network;
        return (unpacked, it, sum) -> {
            if (sampler.isFullBatch()) { // every row: block by block rather than copied
                while (it.hasNext()) {
                    DenseBlock b = it.next();
                    net.accumulate(unpacked, b.features(), b.labels(), b.rows(), lossScale, sum);
                }
            } else { // one matrix product for the partition's share of the batch, gathered from its blocks
                RowGather batch = RowGather.of(it, sampler, epoch, step);
                net.accumulate(unpacked, batch.features(), batch.labels(), batch.rows(), lossScale, sum);
            }
        };
    }

    /**
     * As {@link #gradientOfStep} for {@code count} consecutive steps of an epoch at the same weights and loss
     * scale, in one Spark job: each task runs every step over its partition's blocks, and each step's
     * partition sums combine in the same fixed tree as in a job of its own, so each sum is bit-identical to
     * {@link #gradientOfStep}'s.
     */
    private GradientSum[] gradientsOfSteps(JavaRDD<DenseBlock> blocks, float[] weights, float lossScale,
            BatchSampler sampler, int epoch, long firstStep, int count, long firstGlobalStep) {
        PartitionSum[] steps = new PartitionSum[count];
        for (int k = 0; k < count; k++) {
            steps[k] = stepGradient(lossScale, sampler, epoch, firstStep + k);
        }
        Broadcast<float[]> bc = spark.broadcast(weights);
        int partitions = blocks.getNumPartitions();
        Network net = network;
        try {
            return blocks.mapPartitionsWithIndex((index, it) -> {
                NativeThreads.limit();
                List<DenseBlock> partition = new ArrayList<>(); // the cached blocks, walked once per step
                it.forEachRemaining(partition::add);
                MicroBatchSums sums = new MicroBatchSums(partitions, count);
                Network.Weights unpacked = ExecutorWeights.acquire(bc, net); // once per broadcast and JVM
                try {
                    for (int k = 0; k < count; k++) {
                        GradientSum sum = new GradientSum();
                        steps[k].addTo(unpacked, partition.iterator(), sum);
                        sums.add(k, index, sum);
                    }
                } finally {
                    ExecutorWeights.release(unpacked);
                }
                for (int k = 0; k < count; k++) {
                    InjectedFaults.atEndOfTask(firstGlobalStep + k, index);
                }
                return List.of(sums).iterator();
            }, false).treeAggregate(new MicroBatchSums(partitions, count), MicroBatchSums::merge,
                    MicroBatchSums::merge, options.treeDepth()).totals();
        } finally {
            bc.destroy();
        }
    }

    /** What one task adds to its partition's sum, given the unpacked weights and the partition's blocks. */
    @FunctionalInterface
    private interface PartitionSum extends Serializable {
        void addTo(Network.Weights weights, Iterator<DenseBlock> blocks, GradientSum sum);
    }

    /**
     * Broadcasts the weights, sums every partition and combines the sums with one {@code treeAggregate} in a
     * fixed tree over partition indices (so the result does not depend on task completion order), then drops
     * the broadcast. {@code trainingStep} (the global step, or {@link #NOT_A_TRAINING_STEP}) only tells the
     * test-only {@link InjectedFaults} hook where it is.
     */
    private GradientSum sumOverPartitions(JavaRDD<DenseBlock> blocks, float[] weights, long trainingStep,
            PartitionSum f) {
        Broadcast<float[]> bc = spark.broadcast(weights);
        int partitions = blocks.getNumPartitions();
        Network net = network;
        try {
            return blocks.mapPartitionsWithIndex((index, it) -> {
                NativeThreads.limit();
                GradientSum sum = new GradientSum();
                Network.Weights unpacked = ExecutorWeights.acquire(bc, net); // once per broadcast and JVM
                try {
                    f.addTo(unpacked, it, sum);
                } finally {
                    ExecutorWeights.release(unpacked);
                }
                if (trainingStep != NOT_A_TRAINING_STEP) {
                    InjectedFaults.atEndOfTask(trainingStep, index);
                }
                return List.of(new PartitionTreeSum(partitions).add(index, sum)).iterator();
            }, false).treeAggregate(new PartitionTreeSum(partitions), PartitionTreeSum::merge,
                    PartitionTreeSum::merge, options.treeDepth()).total();
        } finally {
            bc.destroy();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
