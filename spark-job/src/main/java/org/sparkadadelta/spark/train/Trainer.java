package org.sparkadadelta.spark.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * The training loop, as Keras's {@code fit} runs it: epochs of steps, each step's gradient summed over the
 * cluster by {@link DistributedGradient} and handed to the Keras optimizer on the driver, the validation pass
 * at the end of each epoch, {@link Callback}s at Keras's hooks (which may stop training, set the weights or
 * the learning rate), and {@code finalize_variable_values} at the end, also after an early stop. The
 * gradient is that of the loss scaled by {@link Optimizer#lossScale()}, as Keras's {@code fit()}
 * differentiates {@code optimizer.scale_loss(loss)}; losses are recorded unscaled.
 *
 * <p>With gradient accumulation the weights stay put between most micro-steps: the micro-steps up to the
 * next change of the weights or the loss scale ({@link UniformStretch}) share one Spark job, which returns
 * each micro-batch's sum, and the driver applies them one by one, exactly as a job per micro-step would.
 */
public final class Trainer {
    private final JavaSparkContext spark;
    private final Network network;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final List<Callback> callbacks = new ArrayList<>();
    private Map<Integer, Double> classWeight = Map.of();
    private PrintStream console = System.out;
    private boolean oneJobPerStep;
    private Consumer<Optimizer> initialOptimizerState;

    public Trainer(JavaSparkContext spark, Network network, Optimizer optimizer, TrainingOptions options) {
        this.spark = spark;
        this.network = network;
        this.optimizer = optimizer;
        this.options = options;
    }

    /** Adds a callback; callbacks run in the order they were added, as in Keras. */
    public Trainer addCallback(Callback callback) {
        callbacks.add(callback);
        return this;
    }

    /** Where callbacks print their messages (standard output by default). */
    public Trainer console(PrintStream out) {
        this.console = out;
        return this;
    }

    /**
     * Keras's {@code class_weight}: each training row's loss counts its class's weight (1.0 for classes not
     * named); the validation data is not weighted by it. Not together with a sample-weight column, as in Keras.
     */
    public Trainer classWeight(Map<Integer, Double> weights) {
        this.classWeight = Map.copyOf(weights);
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
     * Continues a run from a saved state: its weights, every optimizer variable, and the position in the
     * seeded batch order, so that the rest of the run is bit-identical to an uninterrupted one. The
     * optimizer must be a fresh one built from the same Keras config (same name, hence the same paths).
     */
    public TrainingResult resume(TrainingData train, TrainingData validation, ResumePoint from) {
        return run(train, validation, from.weights(), from);
    }

    /**
     * The loss and metric of {@code data} at {@code weights}, named {@code <prefix>_loss} and
     * {@code <prefix>_<metric>}: the one place evaluation results get their names.
     */
    public Map<String, Object> evaluate(TrainingData data, float[] weights, String prefix) {
        spark.setJobDescription("evaluate " + prefix);
        try {
            GradientSum sum = gradient(SampleWeights.OF_DATA).evaluate(data.blocks(), weights);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put(prefix + "_loss", sum.meanLoss());
            metrics.put(prefix + "_" + network.loss().metric(), sum.metric(network.loss()));
            return metrics;
        } finally {
            spark.setJobDescription(null);
        }
    }

    private DistributedGradient gradient(SampleWeights weights) {
        return new DistributedGradient(spark, network, options.treeDepth(), weights);
    }

    private TrainingResult run(TrainingData train, TrainingData validation, float[] initialWeights,
            ResumePoint from) {
        ModelDataCheck.requireCompatible(network, train, "training data");
        if (validation != null) {
            ModelDataCheck.requireCompatible(network, validation, "validation data");
        }
        DistributedGradient gradient = gradient(trainingWeights(train));
        DriverParameters params = new DriverParameters(network.layout(), initialWeights);
        BatchSampler sampler = new BatchSampler(train.rows(), options.batchSize(), options.shuffleSeed());
        RunState run = new RunState(network, optimizer, train, validation != null, sampler, options, params,
                console, classWeight);
        if (from != null) {
            from.requireSameSetup(run);
            optimizer.build(params.variables());
            from.restoreInto(optimizer);
            run.resumeAt(from);
        } else if (initialOptimizerState != null) {
            optimizer.build(params.variables());
            initialOptimizerState.accept(optimizer);
        }
        long start = System.nanoTime();
        callbacks.forEach(c -> c.onTrainBegin(run));
        int firstEpoch = run.epoch();
        long firstStep = run.stepInEpoch();
        for (int epoch = firstEpoch; epoch < options.epochs() && !run.stopRequested(); epoch++) {
            runEpoch(run, gradient, train, validation,
                    epoch == firstEpoch ? EpochMeans.resumed(run.history(), epoch, firstStep, metricName())
                            : new EpochMeans(metricName()), epoch);
        }
        // As Keras's fit: EMA's finalize before on_train_end (where e.g. EarlyStopping restores weights).
        optimizer.finalizeVariableValues(params.variables());
        callbacks.forEach(c -> c.onTrainEnd(run));
        float[] weights = params.snapshot();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("steps", run.globalStep());
        metrics.put("train_seconds", seconds(start));
        List<EpochRecord> epochs = run.history().epochs();
        if (!epochs.isEmpty()) {
            metrics.put("final_train_loss", epochs.get(epochs.size() - 1).loss());
            metrics.put("final_train_" + metricName(), epochs.get(epochs.size() - 1).metric());
        }
        if (validation != null) {
            metrics.putAll(evaluate(validation, weights, "validation"));
        }
        return new TrainingResult(network, weights, run.history(), optimizer, metrics);
    }

    /** {@code class_weight}, refused beside the data's own weights as Keras refuses it beside sample_weight. */
    private SampleWeights trainingWeights(TrainingData train) {
        if (!classWeight.isEmpty() && train.weighted()) {
            throw new IllegalArgumentException("You cannot `class_weight` and `sample_weight` at the same time: the "
                    + "training data (" + train.source() + ") has a weight column");
        }
        if (!classWeight.isEmpty() && network.classes() == 0) {
            throw new IllegalArgumentException("class_weight needs a classifier; a " + network.loss().kerasName()
                    + " model has no classes");
        }
        return SampleWeights.ofClasses(classWeight, network.classes());
    }

    private void runEpoch(RunState run, DistributedGradient gradient, TrainingData train, TrainingData validation,
            EpochMeans means, int epoch) {
        long epochStart = System.nanoTime();
        run.beginEpoch(epoch);
        callbacks.forEach(c -> c.onEpochBegin(run, epoch));
        BatchSampler sampler = run.sampler();
        DriverParameters params = run.parameters();
        UniformStretch stretch = UniformStretch.of(optimizer);
        long microBatchesPerJob = MicroBatchSums.maxMicroBatches(network.layout().size(),
                train.blocks().getNumPartitions());
        while (run.stepInEpoch() < sampler.stepsPerEpoch() && !run.stopRequested()) {
            long stepStart = System.nanoTime();
            long step = run.stepInEpoch();
            // Keras's scale_loss: the gradients are those of loss * scale (loss_scale_factor, or the LSO's
            // dynamic scale, read now since the last step or a restore may have changed it); apply() divides
            // them again, and skips the step if they overflowed. The loss stays unscaled.
            float lossScale = (float) optimizer.lossScale();
            float[] weights = params.snapshot();
            // The micro-steps up to the next weight or scale change share one Spark job (UniformStretch),
            // within the epoch, up to where a callback must see the state, and as many as one job may carry.
            long limit = Math.min(Math.min(sampler.stepsPerEpoch() - step, stepsUntilCallbacksDue(run.globalStep())),
                    microBatchesPerJob);
            int count = oneJobPerStep ? 1 : (int) stretch.length(limit);
            spark.setJobDescription(count == 1
                    ? String.format("train epoch %d/%d step %d/%d", epoch + 1, options.epochs(), step + 1,
                            sampler.stepsPerEpoch())
                    : String.format("train epoch %d/%d steps %d-%d/%d", epoch + 1, options.epochs(), step + 1,
                            step + count, sampler.stepsPerEpoch()));
            GradientSum[] sums = gradient.steps(train.blocks(), weights, lossScale, sampler, epoch, step, count,
                    run.globalStep());
            for (int k = 0; k < count; k++) {
                StepRecord record = applyStep(run, sums[k], stepStart);
                means.add(record);
                callbacks.forEach(c -> c.onTrainBatchEnd(run, record));
                // Gradients computed ahead hold only at the same weights and scale; a LossScaleOptimizer's
                // skipped step halves the scale, a callback may set weights: drop the rest, the next job starts
                // from the new state.
                if (run.stopRequested() || k + 1 < count && !UniformStretch.unchanged(weights, lossScale,
                        params.current(), (float) optimizer.lossScale())) {
                    break;
                }
                stepStart = System.nanoTime();
            }
        }
        double validationLoss = Double.NaN;
        double validationMetric = Double.NaN;
        if (validation != null) {
            spark.setJobDescription(String.format("validate epoch %d/%d", epoch + 1, options.epochs()));
            GradientSum v = gradient.evaluate(validation.blocks(), params.snapshot());
            validationLoss = v.meanLoss();
            validationMetric = v.metric(network.loss());
        }
        spark.setJobDescription(null);
        EpochRecord record = new EpochRecord(epoch, means.loss(), means.metric(), validationLoss, validationMetric,
                loggedLearningRate(), metricName(), seconds(epochStart));
        run.epochDone(record);
        callbacks.forEach(c -> c.onEpochEnd(run, record));
    }

    /** One optimizer step with the batch's summed gradient; returns its record. */
    private StepRecord applyStep(RunState run, GradientSum sum, long stepStart) {
        double loss = sum.meanLoss();
        // Divergence is judged on the unscaled loss: a scaled gradient that overflowed is a step a
        // LossScaleOptimizer skips (halving its scale), not divergence.
        if (!Double.isFinite(loss) && options.stopOnDivergence()) {
            throw new DivergenceException("Training diverged: the mean loss of epoch " + (run.epoch() + 1)
                    + " step " + (run.stepInEpoch() + 1) + " is " + loss + ". Lower the learning rate, add clipping "
                    + "(clipnorm/global_clipnorm), or set training.stop_on_divergence=false to continue as Keras "
                    + "would.");
        }
        double lr = optimizer.learningRateValue();
        DriverParameters params = run.parameters();
        optimizer.apply(params.split(sum.meanGradient(network.layout().size())), params.variables());
        StepRecord record = new StepRecord(run.globalStep(), run.epoch(), (int) run.stepInEpoch(), loss,
                sum.metric(network.loss()), lr, sum.count(), sum.weightSum(), seconds(stepStart));
        run.stepDone(record);
        return record;
    }

    private long stepsUntilCallbacksDue(long globalStep) {
        long steps = Long.MAX_VALUE;
        for (Callback c : callbacks) {
            steps = Math.min(steps, c.stepsUntilDue(globalStep));
        }
        return steps;
    }

    /**
     * Keras's {@code learning_rate} log: the rate the next step will use. Not read from a Java supplier, whose
     * calls the steps alone should make.
     */
    private double loggedLearningRate() {
        return optimizer.learningRate() instanceof LearningRate.Supplied ? Double.NaN : optimizer.learningRateValue();
    }

    private String metricName() {
        return network.loss().metric();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
