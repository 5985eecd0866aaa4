package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * The loss, metric and gradient of a network over cached data on Spark (Spark ML's {@code RDDLossFunction}
 * counterpart): broadcast the weights, let every partition sum its rows, combine the sums with one
 * {@code treeAggregate} in a fixed tree over partition indices (so the result does not depend on task
 * completion order), drop the broadcast. Training steps sum their mini-batch's rows with Keras's sample
 * weights; evaluation sums every row with the data's own weights.
 */
final class DistributedGradient {
    private static final long NOT_A_TRAINING_STEP = -1;

    private final JavaSparkContext spark;
    private final Network network;
    private final int treeDepth;
    private final SampleWeights trainingWeights;

    DistributedGradient(JavaSparkContext spark, Network network, int treeDepth, SampleWeights trainingWeights) {
        this.spark = spark;
        this.network = network;
        this.treeDepth = treeDepth;
        this.trainingWeights = trainingWeights;
    }

    /** Loss and metric of the whole dataset at the given weights. */
    GradientSum evaluate(JavaRDD<DenseBlock> blocks, float[] weights) {
        Network net = network;
        return sumOverPartitions(blocks, weights, NOT_A_TRAINING_STEP, (unpacked, it, sum) -> {
            while (it.hasNext()) {
                DenseBlock block = it.next();
                net.evaluate(unpacked, block.features(), block.labels(), block.weights(), block.rows(), sum);
            }
        });
    }

    /**
     * The summed loss and the summed gradient of {@code lossScale} times the loss, over the batch of each of
     * {@code count} consecutive steps of an epoch at the same weights and loss scale. One step is one job;
     * several share one job, in which each task runs every step over its partition's blocks and each step's
     * partition sums combine in the same fixed tree as in a job of its own, so each sum is bit-identical to
     * that step's own job's.
     */
    GradientSum[] steps(JavaRDD<DenseBlock> blocks, float[] weights, float lossScale, BatchSampler sampler,
            int epoch, long firstStep, int count, long firstGlobalStep) {
        if (count == 1) {
            return new GradientSum[] {sumOverPartitions(blocks, weights, firstGlobalStep,
                    stepGradient(lossScale, sampler, epoch, firstStep))};
        }
        PartitionSum[] steps = new PartitionSum[count];
        for (int k = 0; k < count; k++) {
            steps[k] = stepGradient(lossScale, sampler, epoch, firstStep + k);
        }
        int partitions = blocks.getNumPartitions();
        Network net = network;
        return broadcasting(weights, bc -> PartitionJob.run(blocks, treeDepth, (index, it) -> {
            List<DenseBlock> partition = new ArrayList<>(); // the cached blocks, walked once per step
            it.forEachRemaining(partition::add);
            MicroBatchSums sums = new MicroBatchSums(partitions, count);
            withUnpacked(bc, net, unpacked -> {
                for (int k = 0; k < count; k++) {
                    GradientSum sum = new GradientSum();
                    steps[k].addTo(unpacked, partition.iterator(), sum);
                    sums.add(k, index, sum);
                }
            });
            for (int k = 0; k < count; k++) {
                InjectedFaults.atEndOfTask(firstGlobalStep + k, index);
            }
            return sums;
        }, new MicroBatchSums(partitions, count), MicroBatchSums::merge).totals());
    }

    /** What one task adds for one step: its partition's rows of the step's batch. */
    private PartitionSum stepGradient(float lossScale, BatchSampler sampler, int epoch, long step) {
        Network net = network;
        SampleWeights sampleWeights = trainingWeights;
        return (unpacked, it, sum) -> {
            if (sampler.isFullBatch()) { // every row: block by block rather than copied
                while (it.hasNext()) {
                    DenseBlock b = it.next();
                    net.accumulate(unpacked, b.features(), b.labels(), sampleWeights.of(b), b.rows(), lossScale, sum);
                }
            } else { // one matrix product for the partition's share of the batch, gathered from its blocks
                RowGather batch = RowGather.of(it, sampler, epoch, step, sampleWeights);
                net.accumulate(unpacked, batch.features(), batch.labels(), batch.weights(), batch.rows(), lossScale,
                        sum);
            }
        };
    }

    /** What one task adds to its partition's sum, given the unpacked weights and the partition's blocks. */
    @FunctionalInterface
    private interface PartitionSum extends Serializable {
        void addTo(Network.Weights weights, Iterator<DenseBlock> blocks, GradientSum sum);
    }

    /**
     * One job: every partition's sum, combined in the fixed tree. {@code trainingStep} (the global step, or
     * {@link #NOT_A_TRAINING_STEP}) only tells the test-only {@link InjectedFaults} hook where it is.
     */
    private GradientSum sumOverPartitions(JavaRDD<DenseBlock> blocks, float[] weights, long trainingStep,
            PartitionSum f) {
        int partitions = blocks.getNumPartitions();
        Network net = network;
        return broadcasting(weights, bc -> PartitionJob.run(blocks, treeDepth, (index, it) -> {
            GradientSum sum = new GradientSum();
            withUnpacked(bc, net, unpacked -> f.addTo(unpacked, it, sum));
            if (trainingStep != NOT_A_TRAINING_STEP) {
                InjectedFaults.atEndOfTask(trainingStep, index);
            }
            return new PartitionTreeSum(partitions).add(index, sum);
        }, new PartitionTreeSum(partitions), PartitionTreeSum::merge).total());
    }

    /** Runs one Spark job with the weights broadcast, and drops the broadcast after it. */
    private <T> T broadcasting(float[] weights, Function<Broadcast<float[]>, T> job) {
        Broadcast<float[]> bc = spark.broadcast(weights);
        try {
            return job.apply(bc);
        } finally {
            bc.destroy();
        }
    }

    /** In a task: {@code body} with the broadcast weights unpacked, once per broadcast and executor JVM. */
    private static void withUnpacked(Broadcast<float[]> bc, Network net, Consumer<Network.Weights> body) {
        NativeThreads.limit();
        Network.Weights unpacked = ExecutorWeights.acquire(bc, net);
        try {
            body.accept(unpacked);
        } finally {
            ExecutorWeights.release(unpacked);
        }
    }
}
