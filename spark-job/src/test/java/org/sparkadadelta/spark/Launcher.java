package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.SavedTensor;
import org.sparkadadelta.spark.output.WeightsFile;

/**
 * Runs the real launcher, {@code bin/spark-adadelta} (spark-submit of the packaged job jar), in its own
 * JVM, for the integration tests, and compares what two runs left behind.
 */
final class Launcher {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Launcher() {
    }

    /** One run's output directory and checkpoint directory, and where its console goes. */
    record Run(Path output, Path checkpoints, Path log) {
        static Run under(Path dir, String name) {
            return new Run(dir.resolve(name), dir.resolve(name + "-ckpt"), dir.resolve(name + ".log"));
        }
    }

    /**
     * Starts {@code bin/spark-adadelta CONFIG [--resume] output.path=.. checkpoint.path=..} with extra
     * spark-submit arguments ({@code SUBMIT_ARGS}, may be empty).
     */
    static Process start(Path config, Run run, boolean resume, String submitArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/spark-adadelta").toString(), config.toString()));
        if (resume) {
            cmd.add("--resume");
        }
        cmd.add("output.path=" + run.output());
        cmd.add("checkpoint.path=" + run.checkpoints());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(run.log().toFile()));
        pb.environment().put("SUBMIT_ARGS", submitArgs);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1"); // the driver's web UI too, not only its RPC
        return pb.start();
    }

    /**
     * Starts {@code bin/spark-adadelta ARGS...} as a user would: from {@code cwd}, with {@code SUBMIT_ARGS} (may
     * be empty) and nothing else set for it, its console going to {@code log}.
     */
    static Process startIn(Path cwd, Path log, String submitArgs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/spark-adadelta").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("SUBMIT_ARGS", submitArgs);
        pb.environment().remove("SPARK_LOCAL_IP");
        pb.environment().remove("MASTER");
        return pb.start();
    }

    /** Waits up to 10 minutes for {@code p} and returns its exit status, failing the test if it hangs. */
    static int exitStatus(Process p, Path log) throws Exception {
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("run did not finish within 10 minutes:\n" + tail(log));
        }
        return p.exitValue();
    }

    /** Runs to the end and fails the test, with the log's tail, unless the job succeeded. */
    static void runToCompletion(Path config, Run run, boolean resume, String submitArgs) throws Exception {
        int status = exitStatus(start(config, run, resume, submitArgs), run.log());
        if (status != 0) {
            throw new AssertionError("run failed (exit " + status + "):\n" + tail(run.log()));
        }
    }

    /**
     * Asserts that two runs ended bit-identical: the last checkpoint (weights and every optimizer variable,
     * before finalize), the written weights (after finalize), decoded and as bytes, and the written step and
     * epoch histories but for their wall-clock column.
     */
    static void assertSameResult(Run expected, Run actual) throws Exception {
        try (CheckpointStore a = new CheckpointStore(expected.checkpoints().toString(), 1, new Configuration());
                CheckpointStore b = new CheckpointStore(actual.checkpoints().toString(), 1, new Configuration())) {
            CheckpointState x = newest(a, expected.checkpoints());
            CheckpointState y = newest(b, actual.checkpoints());
            assertEquals(x.globalStep(), y.globalStep(), "steps");
            assertArrayEquals(x.weights(), y.weights(), "checkpointed weights");
            List<SavedTensor> xs = x.optimizerTensors();
            List<SavedTensor> ys = y.optimizerTensors();
            assertEquals(xs.size(), ys.size(), "optimizer variables");
            for (int i = 0; i < xs.size(); i++) {
                assertEquals(xs.get(i).path(), ys.get(i).path());
                assertArrayEquals(xs.get(i).values(), ys.get(i).values(), xs.get(i).path());
            }
        }
        assertArrayEquals(weights(expected.output()), weights(actual.output()), "final weights.arrow values");
        // Same values, same bytes, even from different JVMs: the manifests' checksums must agree too.
        assertArrayEquals(Files.readAllBytes(expected.output().resolve("weights.arrow")),
                Files.readAllBytes(actual.output().resolve("weights.arrow")), "weights.arrow bytes");
        for (String history : List.of("history_steps.csv", "history_epochs.csv")) {
            assertEquals(withoutSeconds(expected.output().resolve(history)),
                    withoutSeconds(actual.output().resolve(history)), history);
        }
    }

    /** The CSV's lines without their last column, {@code seconds}. */
    private static List<String> withoutSeconds(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(0).endsWith(",seconds"), csv + ": " + lines.get(0));
        return lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    static void assertNoOutput(Run run) {
        assertTrue(!Files.exists(run.output()), "an unfinished run leaves no output at " + run.output());
    }

    private static float[] weights(Path out) throws Exception {
        try (InputStream in = Files.newInputStream(out.resolve("weights.arrow"))) {
            return WeightsFile.read(in).values();
        }
    }

    private static CheckpointState newest(CheckpointStore store, Path where) throws Exception {
        List<String> warnings = new ArrayList<>();
        return store.loadNewestValid(warnings::add).orElseThrow(() -> new AssertionError("no valid checkpoint in "
                + where + " (" + (Files.exists(where) ? List.of(where.toFile().list()) : "missing") + "): " + warnings));
    }

    static String tail(Path log) throws IOException {
        return tail(log, 40);
    }

    /** The last {@code count} lines of a log. */
    static String tail(Path log, int count) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
