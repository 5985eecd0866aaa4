package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * The distributed training loop. Each step: broadcast the weights (a float array), let every partition sum
 * the loss gradient of its rows in the step's mini-batch, combine the sums with one {@code treeAggregate},
 * and on the driver turn the sum into the batch mean and hand it to the Keras optimizer. Ends with
 * {@code finalizeVariableValues}, as Keras's {@code fit()} does.
 */
public final class Trainer {
    private final JavaSparkContext spark;
    private final Network network;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final List<TrainingListener> listeners = new ArrayList<>();

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

    /** Trains from the network's seeded initialisation. */
    public TrainingResult fit(TrainingData train, TrainingData validation) {
        return fit(train, validation, network.initialParameters(options.modelSeed()));
    }

    /** Trains from the given initial weights; {@code validation} may be null. */
    public TrainingResult fit(TrainingData train, TrainingData validation, float[] initialWeights) {
        ModelDataCheck.requireCompatible(network, train, "training data");
        if (validation != null) {
            ModelDataCheck.requireCompatible(network, validation, "validation data");
        }
        DriverParameters params = new DriverParameters(network.layout(), initialWeights);
        BatchSampler sampler = new BatchSampler(train.rows(), options.batchSize(), options.shuffleSeed());
        History history = new History();
        listeners.forEach(l -> l.onStart(options.epochs(), sampler.stepsPerEpoch()));
        long globalStep = 0;
        long start = System.nanoTime();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            double weightedLoss = 0;
            long epochRows = 0;
            for (long step = 0; step < sampler.stepsPerEpoch(); step++, globalStep++) {
                long stepStart = System.nanoTime();
                spark.setJobDescription(String.format("train epoch %d/%d step %d/%d", epoch + 1, options.epochs(),
                        step + 1, sampler.stepsPerEpoch()));
                GradientSum sum = gradientOfStep(train.blocks(), params.snapshot(), sampler, epoch, step);
                double loss = sum.meanLoss();
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
                history.add(record);
                listeners.forEach(l -> l.onStep(record));
                weightedLoss += loss * sum.count();
                epochRows += sum.count();
            }
            double validationLoss = Double.NaN;
            double validationMetric = Double.NaN;
            if (validation != null) {
                spark.setJobDescription(String.format("validate epoch %d/%d", epoch + 1, options.epochs()));
                GradientSum v = evaluate(validation.blocks(), params.snapshot());
                validationLoss = v.meanLoss();
                validationMetric = v.metric(network.loss());
            }
            EpochRecord record = new EpochRecord(epoch, weightedLoss / epochRows, validationLoss, validationMetric,
                    network.loss().metric(), seconds(epochStart));
            history.add(record);
            listeners.forEach(l -> l.onEpoch(record));
        }
        optimizer.finalizeVariableValues(params.variables());
        float[] weights = params.snapshot();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("steps", globalStep);
        metrics.put("train_seconds", seconds(start));
        EpochRecord last = history.epochs().get(history.epochs().size() - 1);
        metrics.put("final_train_loss", last.trainLoss());
        if (validation != null) {
            spark.setJobDescription("evaluate final weights");
            GradientSum v = evaluate(validation.blocks(), weights);
            metrics.put("validation_loss", v.meanLoss());
            metrics.put("validation_" + network.loss().metric(), v.metric(network.loss()));
        }
        spark.setJobDescription(null);
        return new TrainingResult(network, weights, history, optimizer, metrics);
    }

    /** Loss and metric of the whole dataset at the given weights. */
    public GradientSum evaluate(JavaRDD<DenseBlock> blocks, float[] weights) {
        Network net = network;
        return sumOverPartitions(blocks, weights, (w, it, sum) -> {
            Network.Weights unpacked = net.weights(w);
            while (it.hasNext()) {
                DenseBlock block = it.next();
                net.evaluate(unpacked, block.features(), block.labels(), block.rows(), sum);
            }
        });
    }

    private GradientSum gradientOfStep(JavaRDD<DenseBlock> blocks, float[] weights, BatchSampler sampler, int epoch,
            long step) {
        Network net = network;
        return sumOverPartitions(blocks, weights, (w, it, sum) -> {
            Network.Weights unpacked = net.weights(w);
            if (sampler.isFullBatch()) { // every row: block by block rather than copied
                while (it.hasNext()) {
                    DenseBlock b = it.next();
                    net.accumulate(unpacked, b.features(), b.labels(), b.rows(), sum);
                }
            } else { // one matrix product for the partition's share of the batch, gathered from its blocks
                RowGather batch = RowGather.of(it, sampler, epoch, step);
                net.accumulate(unpacked, batch.features(), batch.labels(), batch.rows(), sum);
            }
        });
    }

    /** What one task adds to its partition's sum, given the broadcast weights and the partition's blocks. */
    @FunctionalInterface
    private interface PartitionSum extends Serializable {
        void addTo(float[] weights, Iterator<DenseBlock> blocks, GradientSum sum);
    }

    /**
     * Broadcasts the weights, sums every partition and combines the sums with one {@code treeAggregate} in a
     * fixed tree over partition indices (so the result does not depend on task completion order), then drops
     * the broadcast.
     */
    private GradientSum sumOverPartitions(JavaRDD<DenseBlock> blocks, float[] weights, PartitionSum f) {
        Broadcast<float[]> bc = spark.broadcast(weights);
        int partitions = blocks.getNumPartitions();
        try {
            return blocks.mapPartitionsWithIndex((index, it) -> {
                NativeThreads.limit();
                GradientSum sum = new GradientSum();
                f.addTo(bc.value(), it, sum);
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
