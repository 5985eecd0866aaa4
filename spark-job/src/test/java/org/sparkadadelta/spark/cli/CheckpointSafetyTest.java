package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * The job's checkpoint rules as a user meets them: one checkpoint directory holds one run, nothing is deleted
 * that is not this run's to delete, and {@code --resume} refuses another setup, naming what differs.
 */
class CheckpointSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aFreshRunIntoAnotherRunsCheckpointsIsRefusedBeforeLoadingAndDeletesNothing() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode longer = config(csv, "first", 8, 7, 2); // 40 steps: checkpoints 35 and 40 are kept
        run(longer, false);
        Map<String, String> before = contents(ckpt());
        assertEquals(List.of("ckpt-000000000035", "ckpt-000000000040"), names(ckpt()));

        // Its checkpoints are all later than anything a 4-epoch run writes: pruning used to delete the new run's.
        // The data path does not exist: the refusal must come before any data is loaded.
        ObjectNode fresh = config(dir.resolve("missing.csv"), "second", 4, 7, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(fresh, false));
        assertEquals("checkpoint.path file:" + ckpt() + " already holds checkpoints (ckpt-000000000035, "
                + "ckpt-000000000040): continue that run with --resume, or set a new checkpoint.path", e.getMessage());
        assertEquals(before, contents(ckpt()), "nothing deleted or changed");
        assertFalse(Files.exists(dir.resolve("second")), "no output");
    }

    @Test
    void resumeWithOnlyCorruptCheckpointsIsAnErrorNamingEachAndDeletesNothing() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, "first", 4, 7, 2);
        run(c, false);
        assertEquals(List.of("ckpt-000000000014", "ckpt-000000000020"), names(ckpt()));
        truncate(ckpt().resolve("ckpt-000000000020/state.arrow"));
        Files.delete(ckpt().resolve("ckpt-000000000014/manifest.json"));
        Map<String, String> before = contents(ckpt());

        c.with("output").put("path", dir.resolve("resumed").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(c, true));
        String m = e.getMessage();
        assertTrue(m.startsWith("cannot resume: no checkpoint under ") && m.contains(" is intact: "), m);
        assertTrue(m.contains("ckpt-000000000020/state.arrow: size mismatch"), m);
        assertTrue(m.contains("ckpt-000000000014: no manifest.json"), m);
        assertTrue(m.endsWith("nothing was deleted: repair or move them, or set a new checkpoint.path"), m);
        assertEquals(before, contents(ckpt()), "nothing deleted or changed");
        assertFalse(Files.exists(dir.resolve("resumed")), "no output");
    }

    @Test
    void aResumedRunPrunesOnlyOlderIntactCheckpointsAndKeepsCorruptOnes() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, "first", 3, 5, 3); // 15 steps: checkpoints 5, 10, 15
        run(c, false);
        assertEquals(List.of("ckpt-000000000005", "ckpt-000000000010", "ckpt-000000000015"), names(ckpt()));
        truncate(ckpt().resolve("ckpt-000000000015/state.arrow"));
        truncate(ckpt().resolve("ckpt-000000000010/state.arrow"));
        String corrupt10 = contents(ckpt()).get("ckpt-000000000010/state.arrow");

        // Resumes from 5, one more epoch, every 3 steps: saves 6, 9, 12, 15 (re-creating the corrupt 15), 18, 20.
        c.with("training").put("epochs", 4);
        c.with("checkpoint").put("every_steps", 3);
        c.with("output").put("path", dir.resolve("resumed").toString());
        String log = run(c, true);
        // The newest 3 intact ones are kept; the corrupt 10 stays, untouched, for whoever wants to repair it.
        assertEquals(List.of("ckpt-000000000010", "ckpt-000000000015", "ckpt-000000000018", "ckpt-000000000020"),
                names(ckpt()));
        assertEquals(corrupt10, contents(ckpt()).get("ckpt-000000000010/state.arrow"));
        assertTrue(log.contains("Resuming from the checkpoint of step 5"), log);
        assertTrue(log.contains("warning: skipping corrupt checkpoint ") && log.contains("(kept for repair)"), log);
    }

    @Test
    void resumeRefusesAnotherOptimizerConfigOrBatchSizeNamingEveryDifference() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, "first", 4, 7, 2);
        run(c, false);
        Map<String, String> before = contents(ckpt());

        ObjectNode changed = c.deepCopy();
        changed.with("optimizer").with("config").put("rho", 0.9);
        changed.with("training").put("batch_size", 50);
        changed.with("output").put("path", dir.resolve("changed").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(changed, true));
        assertEquals("cannot resume from checkpoint file:" + ckpt()
                + "/ckpt-000000000020: it was written with a different setup: optimizer.config.rho 0.95 vs 0.9; "
                + "training.batch_size 60 vs 50; start a new checkpoint.path or restore the original settings",
                e.getMessage());
        assertEquals(before, contents(ckpt()));
        assertFalse(Files.exists(dir.resolve("changed")), "no output");

        // The same setup on other partitions resumes: the batches, and so the checksum, ignore partitioning.
        ObjectNode repartitioned = c.deepCopy();
        repartitioned.with("data").put("partitions", 3);
        repartitioned.with("output").put("path", dir.resolve("resumed").toString());
        assertTrue(run(repartitioned, true).contains("Resuming from the checkpoint of step 20"));
    }

    @Test
    void resumeRefusesOtherDataWithTheSameRowCountNamingTheChecksum() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, "first", 4, 7, 2);
        run(c, false);

        List<String> lines = Files.readAllLines(csv);
        String row = lines.get(123);
        lines.set(123, row.substring(0, row.lastIndexOf(',') + 1) + "0.125"); // one feature of one row
        Files.write(csv, lines);
        c.with("output").put("path", dir.resolve("resumed").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(c, true));
        assertTrue(e.getMessage().matches(".*different setup: data\\.train\\.checksum [0-9a-f]{16} vs [0-9a-f]{16}; "
                + "start a new checkpoint\\.path or restore the original settings"), e.getMessage());
    }

    @Test
    void aCheckpointFromBeforeFingerprintsResumesWithAWarningAndStillChecksTheOptimizer() throws Exception {
        Path csv = TrainingJobTest.blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, "first", 4, 7, 2);
        run(c, false);
        Path manifestFile = ckpt().resolve("ckpt-000000000020/manifest.json");
        Map<String, Object> manifest = KerasJson.parse(Files.readString(manifestFile));
        manifest.remove("fingerprint");
        manifest.put("format_version", 2);
        Files.writeString(manifestFile, KerasJson.write(manifest, true));

        ObjectNode changed = c.deepCopy();
        changed.with("optimizer").with("config").put("rho", 0.9);
        changed.with("output").put("path", dir.resolve("changed").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(changed, true));
        assertTrue(e.getMessage().contains("different setup: optimizer.config.rho 0.95 vs 0.9; start"),
                e.getMessage());

        c.with("output").put("path", dir.resolve("resumed").toString());
        String log = run(c, true);
        assertTrue(log.contains("warning: checkpoint ") && log.contains("ckpt-000000000020 predates setup "
                + "fingerprints: only its optimizer config, batch size, shuffle seed and row count can be checked"),
                log);
    }

    private Path ckpt() {
        return dir.resolve("ckpt");
    }

    /** Runs the job as the CLI does; returns its console. */
    private String run(ObjectNode config, boolean resume) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        JobConfig c = JobConfig.from(ConfigTree.fromNode(config, List.of()));
        new TrainingJob(SparkTestSession.get(), c, new PrintStream(console, true, StandardCharsets.UTF_8))
                .run(resume);
        return console.toString(StandardCharsets.UTF_8);
    }

    /** An MLP on the CSV, batch 60 (5 steps an epoch), checkpoints under {@link #ckpt()}. */
    private ObjectNode config(Path csv, String output, int epochs, int everySteps, int keep) throws Exception {
        String data = "{\"format\": \"csv\", \"path\": \"" + csv + "\", \"label_col\": \"label\"}";
        return (ObjectNode) JSON.readTree("{\"name\": \"blobs\","
                + "\"data\": {\"train\": " + data + ", \"partitions\": 2, \"block_rows\": 128},"
                + "\"model\": {\"type\": \"mlp\", \"hidden\": [8], \"classes\": 3},"
                + "\"training\": {\"epochs\": " + epochs + ", \"batch_size\": 60},"
                + "\"optimizer\": {\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\","
                + "  \"config\": {\"learning_rate\": 1.0, \"epsilon\": 1e-4}, \"registered_name\": null},"
                + "\"output\": {\"path\": \"" + dir.resolve(output) + "\"},"
                + "\"checkpoint\": {\"path\": \"" + ckpt() + "\", \"every_steps\": " + everySteps + ", \"keep\": "
                + keep + "}}");
    }

    private static void truncate(Path file) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file under {@code root}, relative path to SHA-256. */
    private static Map<String, String> contents(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return m;
    }
}
