package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/** Several micro-batches in one aggregate: each sums exactly as its own {@link PartitionTreeSum} would. */
class MicroBatchSumsTest {
    private static final Network NET = Network.linearRegression(6);
    private static final int PARTITIONS = 5;
    private static final int MICRO_BATCHES = 3;

    @Test
    void eachMicroBatchIsBitIdenticalToItsOwnTreeWhateverTheArrivalOrder() {
        List<float[]> expected = new ArrayList<>();
        for (int k = 0; k < MICRO_BATCHES; k++) {
            PartitionTreeSum own = new PartitionTreeSum(PARTITIONS);
            for (int p = 0; p < PARTITIONS; p++) {
                own.add(p, partitionSum(k, p));
            }
            expected.add(own.total().meanGradient(NET.layout().size()));
        }
        Random random = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                order.add(p);
            }
            Collections.shuffle(order, random);
            MicroBatchSums total = new MicroBatchSums(PARTITIONS, MICRO_BATCHES);
            for (int p : order) { // one task's result per partition, as the job returns them
                MicroBatchSums task = new MicroBatchSums(PARTITIONS, MICRO_BATCHES);
                for (int k = 0; k < MICRO_BATCHES; k++) {
                    task.add(k, p, partitionSum(k, p));
                }
                total.merge(task);
            }
            GradientSum[] sums = total.totals();
            for (int k = 0; k < MICRO_BATCHES; k++) {
                assertArrayEquals(expected.get(k), sums[k].meanGradient(NET.layout().size()),
                        "micro-batch " + k + ", trial " + trial);
            }
        }
    }

    @Test
    void sumsOfAnotherJobAreRefused() {
        assertThrows(IllegalStateException.class, () -> new MicroBatchSums(2, 3).merge(new MicroBatchSums(2, 4)));
    }

    @Test
    void aJobCarriesAtMost128MegabytesOfGradients() {
        assertEquals(82, MicroBatchSums.maxMicroBatches(203_530, 2), "the Fashion-MNIST MLP on 2 partitions");
        assertEquals(1, MicroBatchSums.maxMicroBatches(203_530, 200), "never fewer than one");
        assertEquals(128L << 20 >> 2, MicroBatchSums.maxMicroBatches(1, 1));
    }

    /** The summed gradient of 40 random rows, different for every micro-batch and partition. */
    private static GradientSum partitionSum(int microBatch, int partition) {
        Random r = new Random(1000L * microBatch + partition);
        float[] x = new float[40 * 6];
        float[] y = new float[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 3));
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
        }
        GradientSum sum = new GradientSum();
        NET.accumulate(NET.initialParameters(1), x, y, 40, sum);
        return sum;
    }
}
