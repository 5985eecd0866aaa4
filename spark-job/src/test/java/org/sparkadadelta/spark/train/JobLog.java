package org.sparkadadelta.spark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The Spark jobs some driver code starts, with their descriptions: the code runs in a job group of its own,
 * and a listener keeps the jobs of that group. Counting jobs is behaviour, not timing, so tests assert it.
 */
final class JobLog {
    private final JavaSparkContext jsc;
    private final List<String> descriptions = new ArrayList<>();

    JobLog(JavaSparkContext jsc) {
        this.jsc = jsc;
    }

    /** Runs {@code body} on this thread, logs the jobs it starts and returns its result. */
    <T> T during(Supplier<T> body) {
        String group = "job-log-" + UUID.randomUUID();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                Properties p = job.properties();
                if (p != null && group.equals(p.getProperty("spark.jobGroup.id"))) {
                    synchronized (descriptions) {
                        descriptions.add(p.getProperty("spark.job.description"));
                    }
                }
            }
        };
        jsc.sc().addSparkListener(listener);
        jsc.setJobGroup(group, "job log", false);
        try {
            return body.get();
        } finally {
            jsc.clearJobGroup();
            try {
                jsc.sc().listenerBus().waitUntilEmpty(); // listeners hear of jobs asynchronously
            } catch (TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            } finally {
                jsc.sc().removeSparkListener(listener);
            }
        }
    }

    List<String> descriptions() {
        synchronized (descriptions) {
            return List.copyOf(descriptions);
        }
    }

    int count() {
        return descriptions().size();
    }
}
