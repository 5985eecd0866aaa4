package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.Launcher.Run;
import org.sparkadadelta.spark.train.InjectedFaults;

/**
 * The packaged job jar, submitted with spark-submit to a real standalone cluster (a master and two workers,
 * each its own JVM, executors launched by the workers), ends bit-identical to a {@code local[2]} run of the
 * same config, and so do runs whose tasks fail or whose executor is killed mid-step and are retried by Spark.
 */
class ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @Test
    void clusterAndRetriedRunsEndBitIdenticalToALocalRun() throws Exception {
        Path config = JobInput.config(dir, 3000, PARTITIONS, 2); // 150 steps per epoch

        Run local = Run.under(dir, "local");
        Launcher.runToCompletion(config, local, false, "--master local[2]");
        assertRecoveries(local, 0, 0);

        // local[2,4]: up to 4 attempts per task, so Spark retries the failed ones.
        Run localRetried = Run.under(dir, "local-retried");
        Launcher.runToCompletion(config, localRetried, false,
                "--master local[2,4] " + faults("fail-task:step=7:partition=1,fail-task:step=180:partition=3"));
        assertRecoveries(localRetried, 2, 0);
        Launcher.assertSameResult(local, localRetried);

        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("spark-home"), 2, "1536m")) {
            String submit = "--master " + cluster.masterUrl() + " --conf spark.executor.memory=1g"
                    + " --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1";
            Run onCluster = Run.under(dir, "cluster");
            runOn(cluster, config, onCluster, submit);
            assertRecoveries(onCluster, 0, 0);
            Launcher.assertSameResult(local, onCluster);

            // A failed attempt early on, then the executor of partition 2 dies mid-step: its cached blocks are
            // lost with it and are rebuilt from the input by the replacement executor.
            Run faulty = Run.under(dir, "cluster-faults");
            runOn(cluster, config, faulty,
                    submit + " " + faults("fail-task:step=5:partition=0,kill-executor:step=60:partition=2"));
            JsonNode metrics = JSON.readTree(faulty.output().resolve("metrics.json").toFile());
            assertTrue(metrics.get("failed_task_attempts").asLong() >= 2, metrics.toString());
            assertTrue(metrics.get("executors_removed").asLong() >= 1, metrics.toString());
            Launcher.assertSameResult(local, faulty);
        }
    }

    private static void runOn(StandaloneCluster cluster, Path config, Run run, String submit) throws Exception {
        try {
            Launcher.runToCompletion(config, run, false, submit);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ncluster logs:\n" + cluster.logs(), e);
        }
    }

    private static String faults(String plan) {
        return "--conf " + InjectedFaults.KEY + "=" + plan;
    }

    private static void assertRecoveries(Run run, long failedAttempts, long executorsRemoved) throws Exception {
        JsonNode metrics = JSON.readTree(run.output().resolve("metrics.json").toFile());
        assertEquals(failedAttempts, metrics.get("failed_task_attempts").asLong(), metrics.toString());
        assertEquals(executorsRemoved, metrics.get("executors_removed").asLong(), metrics.toString());
    }
}
