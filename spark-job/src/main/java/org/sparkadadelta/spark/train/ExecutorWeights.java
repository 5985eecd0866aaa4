package org.sparkadadelta.spark.train;

import org.apache.spark.broadcast.Broadcast;
import org.sparkadadelta.spark.model.Network;

/**
 * The broadcast weights unpacked into ND4J once per broadcast and executor JVM, not once per task: the tasks
 * of a step running in the same JVM share them (they only read them). A new broadcast overwrites the same
 * off-heap matrices (no allocation, no first-touch page faults) unless a task is still using them, which
 * only a task outliving its job could do; then it gets fresh ones.
 */
final class ExecutorWeights {
    private static long broadcastId = -1;
    private static Network.Weights current;
    private static int users;

    private ExecutorWeights() {
    }

    /** The weights of {@code bc} for {@code network}; hand them back with {@link #release}. */
    static synchronized Network.Weights acquire(Broadcast<float[]> bc, Network network) {
        if (bc.id() != broadcastId || current == null) {
            if (users > 0) { // the old matrices are still in use: leave them to their task
                current = null;
                users = 0;
            }
            current = network.weights(bc.value(), current);
            broadcastId = bc.id();
        }
        users++;
        return current;
    }

    static synchronized void release(Network.Weights weights) {
        if (weights == current) {
            users--;
        }
    }
}
