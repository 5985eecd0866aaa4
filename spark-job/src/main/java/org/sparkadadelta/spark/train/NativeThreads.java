package org.sparkadadelta.spark.train;

import org.nd4j.linalg.factory.Nd4j;

/**
 * One ND4J (OpenMP/BLAS) thread per Spark task: Spark already runs one task per core, and letting each
 * task's matrix products spread over every core oversubscribes the machine. An explicit
 * {@code OMP_NUM_THREADS} in the executor's environment is respected.
 */
final class NativeThreads {
    private static volatile boolean done;

    private NativeThreads() {
    }

    static void limit() {
        if (!done) {
            synchronized (NativeThreads.class) {
                if (!done && System.getenv("OMP_NUM_THREADS") == null) {
                    Nd4j.getEnvironment().setMaxThreads(1);
                }
                done = true;
            }
        }
    }
}
