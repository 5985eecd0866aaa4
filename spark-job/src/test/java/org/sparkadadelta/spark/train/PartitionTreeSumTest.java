package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/** The combine tree makes the float sum independent of the order partial sums arrive in. */
class PartitionTreeSumTest {
    private static final Network NET = Network.linearRegression(6);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13})
    void anyArrivalOrderAndGroupingGivesTheSameBits(int partitions) {
        float[] reference = null;
        Random random = new Random(partitions);
        for (int trial = 0; trial < 40; trial++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            // Random groups stand for treeAggregate's intermediate reducers, merged in random order too.
            List<PartitionTreeSum> groups = new ArrayList<>();
            for (int i : order) {
                if (groups.isEmpty() || random.nextBoolean()) {
                    groups.add(new PartitionTreeSum(partitions));
                }
                groups.get(groups.size() - 1).add(i, partitionSum(i));
            }
            Collections.shuffle(groups, random);
            PartitionTreeSum total = new PartitionTreeSum(partitions);
            groups.forEach(total::merge);
            GradientSum sum = total.total();
            assertEquals(partitions * 50L, sum.count());
            float[] mean = sum.meanGradient(NET.layout().size());
            if (reference == null) {
                reference = mean;
            } else {
                assertArrayEquals(reference, mean, "trial " + trial);
            }
        }
    }

    @Test
    void summingInArrivalOrderWouldNotBeReproducible() {
        // The problem the tree solves: the same partial sums added in different orders differ in their bits.
        Set<String> distinct = new HashSet<>();
        Random random = new Random(1);
        for (int trial = 0; trial < 40; trial++) {
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
            Collections.shuffle(order, random);
            GradientSum naive = new GradientSum();
            for (int i : order) {
                naive.merge(partitionSum(i));
            }
            distinct.add(java.util.Arrays.toString(naive.meanGradient(NET.layout().size())));
        }
        assertTrue(distinct.size() > 1, "arrival order should matter for plain float sums");
    }

    @Test
    void aMissingPartitionIsAnError() {
        PartitionTreeSum t = new PartitionTreeSum(3).add(0, partitionSum(0)).add(2, partitionSum(2));
        assertThrows(IllegalStateException.class, t::total);
    }

    /** A realistic partial sum: the summed gradient of 50 random rows with wide-ranging magnitudes. */
    private static GradientSum partitionSum(int partition) {
        Random r = new Random(100 + partition);
        float[] x = new float[50 * 6];
        float[] y = new float[50];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 3));
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) r.nextGaussian();
        }
        GradientSum s = new GradientSum();
        NET.accumulate(NET.initialParameters(1), x, y, 50, s);
        return s;
    }
}
