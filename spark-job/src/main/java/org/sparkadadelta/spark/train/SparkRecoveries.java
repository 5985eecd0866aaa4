package org.sparkadadelta.spark.train;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts what Spark recovered from while a run was registered: failed task attempts (each retried) and
 * executors removed (lost or killed). A run whose result Spark silently repaired still says so in its
 * metrics. Counts arrive through Spark's asynchronous listener bus, so they may lag the last few events.
 */
public final class SparkRecoveries extends SparkListener implements AutoCloseable {
    private final SparkContext spark;
    private final AtomicLong failedTaskAttempts = new AtomicLong();
    private final AtomicLong executorsRemoved = new AtomicLong();

    private SparkRecoveries(SparkContext spark) {
        this.spark = spark;
    }

    /** Starts counting; {@link #close()} stops. */
    public static SparkRecoveries register(SparkContext spark) {
        SparkRecoveries counter = new SparkRecoveries(spark);
        spark.addSparkListener(counter);
        return counter;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (taskEnd.taskInfo().failed()) {
            failedTaskAttempts.incrementAndGet();
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        executorsRemoved.incrementAndGet();
    }

    public long failedTaskAttempts() {
        return failedTaskAttempts.get();
    }

    public long executorsRemoved() {
        return executorsRemoved.get();
    }

    @Override
    public void close() {
        spark.removeSparkListener(this);
    }
}
