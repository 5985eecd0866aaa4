package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.model.Network;

/** The executor's cache of unpacked broadcast weights, with real broadcasts. */
class ExecutorWeightsTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());

    @Test
    void tasksOfOneBroadcastShareOneUnpackingAndTheNextBroadcastReusesItsMemory() {
        Network net = Network.mlp(3, new int[] {4}, 2);
        Broadcast<float[]> first = JSC.broadcast(net.initialParameters(1));
        Broadcast<float[]> second = JSC.broadcast(net.initialParameters(2));
        try {
            Network.Weights a = ExecutorWeights.acquire(first, net);
            Network.Weights b = ExecutorWeights.acquire(first, net);
            assertSame(a, b, "two tasks of one step");
            ExecutorWeights.release(a);
            ExecutorWeights.release(b);
            Network.Weights c = ExecutorWeights.acquire(second, net);
            assertSame(a, c, "the next step overwrites the same matrices");
            // A task still holding them (c) keeps them: a third broadcast gets fresh ones.
            Broadcast<float[]> third = JSC.broadcast(net.initialParameters(3));
            try {
                Network.Weights d = ExecutorWeights.acquire(third, net);
                assertNotSame(c, d);
                ExecutorWeights.release(c);
                ExecutorWeights.release(d);
            } finally {
                third.destroy();
            }
        } finally {
            first.destroy();
            second.destroy();
        }
    }
}
