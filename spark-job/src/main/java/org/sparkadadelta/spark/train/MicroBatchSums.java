package org.sparkadadelta.spark.train;

import java.io.Serializable;
import org.sparkadadelta.spark.model.GradientSum;

/**
 * The {@code treeAggregate} value of a Spark job that computes several micro-batches at once: one
 * {@link PartitionTreeSum} per micro-batch, so each micro-batch's partition sums combine in the same fixed
 * tree as a job of its own would combine them, bit for bit. (A class, not a record: Spark's Kryo cannot
 * rebuild records.)
 */
final class MicroBatchSums implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * What the task results of one job may add up to: each task returns a d-float gradient per micro-batch, and
     * Spark fails a job whose results exceed {@code spark.driver.maxResultSize} (1 GiB by default); the driver
     * also holds them until the tree combines them. An eighth of that default leaves room for the rest.
     */
    private static final long RESULT_BYTES_PER_JOB = 128L << 20;

    private final PartitionTreeSum[] trees;

    MicroBatchSums(int partitions, int microBatches) {
        trees = new PartitionTreeSum[microBatches];
        for (int k = 0; k < microBatches; k++) {
            trees[k] = new PartitionTreeSum(partitions);
        }
    }

    /** How many micro-batches of {@code parameters} floats one job over {@code partitions} tasks may carry (>= 1). */
    static long maxMicroBatches(int parameters, int partitions) {
        long bytesPerMicroBatch = Float.BYTES * (long) Math.max(1, parameters) * Math.max(1, partitions);
        return Math.max(1, RESULT_BYTES_PER_JOB / bytesPerMicroBatch);
    }

    /** Adds partition {@code index}'s sum of micro-batch {@code k}. */
    MicroBatchSums add(int k, int index, GradientSum sum) {
        trees[k].add(index, sum);
        return this;
    }

    /** Merges {@code other}'s trees micro-batch by micro-batch; both must come from the same job. */
    MicroBatchSums merge(MicroBatchSums other) {
        if (other.trees.length != trees.length) {
            throw new IllegalStateException("Cannot merge sums of " + other.trees.length + " micro-batches into "
                    + trees.length);
        }
        for (int k = 0; k < trees.length; k++) {
            trees[k].merge(other.trees[k]);
        }
        return this;
    }

    /** Each micro-batch's sum over every partition, in micro-batch order. */
    GradientSum[] totals() {
        GradientSum[] out = new GradientSum[trees.length];
        for (int k = 0; k < trees.length; k++) {
            out[k] = trees[k].total();
        }
        return out;
    }
}
