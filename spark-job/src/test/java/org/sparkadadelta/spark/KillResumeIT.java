package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.SavedTensor;
import org.sparkadadelta.spark.output.WeightsFile;

/**
 * The driver JVM is killed with SIGKILL part-way through a run and started again with {@code --resume}: the
 * final weights and every optimizer variable must equal those of an uninterrupted run bit for bit. Runs the
 * real launcher ({@code bin/spark-adadelta}) after packaging.
 */
class KillResumeIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aKilledRunResumedFromItsCheckpointEndsLikeAnUninterruptedOne() throws Exception {
        Path csv = dataCsv(dir.resolve("train.csv"));
        Path config = writeConfig(csv);

        Path fullOut = dir.resolve("full");
        Path fullCkpt = dir.resolve("full-ckpt");
        run(config, fullOut, fullCkpt, false, -1);

        Path killedOut = dir.resolve("killed");
        Path killedCkpt = dir.resolve("killed-ckpt");
        run(config, killedOut, killedCkpt, false, 100); // SIGKILL once step 100's checkpoint exists
        assertTrue(!Files.exists(killedOut), "a killed run leaves no output");
        run(config, killedOut, killedCkpt, true, -1);

        try (CheckpointStore a = new CheckpointStore(fullCkpt.toString(), 1, new Configuration());
                CheckpointStore b = new CheckpointStore(killedCkpt.toString(), 1, new Configuration())) {
            CheckpointState full = newest(a, fullCkpt);
            CheckpointState resumed = newest(b, killedCkpt);
            assertEquals(full.globalStep(), resumed.globalStep());
            assertArrayEquals(full.weights(), resumed.weights(), "weights");
            List<SavedTensor> x = full.optimizerTensors();
            List<SavedTensor> y = resumed.optimizerTensors();
            assertEquals(x.size(), y.size());
            for (int i = 0; i < x.size(); i++) {
                assertArrayEquals(x.get(i).values(), y.get(i).values(), x.get(i).path());
            }
        }
        assertArrayEquals(weights(fullOut), weights(killedOut), "final weights.arrow (after finalize: EMA weights)");
        // Same values, same bytes: the two runs ran in different JVMs, and the manifest's checksums must agree.
        assertArrayEquals(Files.readAllBytes(fullOut.resolve("weights.arrow")),
                Files.readAllBytes(killedOut.resolve("weights.arrow")), "weights.arrow bytes");
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

    /** Runs the launcher; with {@code killAtStep >= 0}, SIGKILLs it once that step's checkpoint appears. */
    private void run(Path config, Path out, Path ckpt, boolean resume, long killAtStep) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/spark-adadelta").toString(), config.toString()));
        if (resume) {
            cmd.add("--resume");
        }
        cmd.add("output.path=" + out);
        cmd.add("checkpoint.path=" + ckpt);
        Path log = dir.resolve(out.getFileName() + (resume ? "-resume" : "") + ".log");
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (killAtStep >= 0) {
            Path marker = ckpt.resolve(String.format("ckpt-%012d", killAtStep));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.exists(marker.resolve("manifest.json")) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the run ended before it could be killed; see " + log);
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            p.waitFor(1, TimeUnit.MINUTES);
            return;
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "run did not finish; see " + log);
        if (p.exitValue() != 0) {
            throw new AssertionError("run failed (exit " + p.exitValue() + "):\n" + tail(log));
        }
    }

    private Path writeConfig(Path csv) throws Exception {
        String data = "{\"format\": \"csv\", \"path\": \"" + csv + "\"}";
        return Files.writeString(dir.resolve("job.json"), "{"
                + "\"name\": \"kill-resume\", \"spark\": {\"master\": \"local[2]\"},"
                + "\"data\": {\"train\": " + data + ", \"partitions\": 3, \"block_rows\": 500},"
                + "\"model\": {\"type\": \"mlp\", \"hidden\": [16], \"classes\": 3},"
                + "\"training\": {\"epochs\": 2, \"batch_size\": 20},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0, "
                + "  \"use_ema\": true, \"gradient_accumulation_steps\": 3}},"
                + "\"output\": {\"path\": \"unused\"},"
                + "\"checkpoint\": {\"every_steps\": 25, \"keep\": 2}}");
    }

    private static Path dataCsv(Path file) throws Exception {
        Random r = new Random(3);
        List<String> lines = new ArrayList<>(List.of("label,a,b,c,d"));
        for (int i = 0; i < 6000; i++) {
            int c = r.nextInt(3);
            lines.add(c + "," + (r.nextGaussian() + c) + "," + r.nextGaussian() + "," + (r.nextGaussian() - c) + ","
                    + r.nextGaussian());
        }
        return Files.write(file, lines);
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
