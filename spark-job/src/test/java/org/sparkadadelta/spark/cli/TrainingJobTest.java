package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.train.Histories;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.train.InjectedFaults;
import org.sparkadadelta.spark.train.TrainingResult;

/** The whole job, from a config to a committed output directory, on a real local SparkSession. */
class TrainingJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FASHION = "/usr/share/datasets/fashion-mnist";

    @TempDir
    Path dir;

    @Test
    void trainsFromCsvAndWritesEveryOutput() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 600, 3);
        Path out = dir.resolve("run");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainingResult r = run(config(csv, out, "\"mlp\"", 3), console);

        assertTrue((double) r.metrics().get("validation_accuracy") > 0.9, r.metrics().toString());
        assertTrue((double) r.metrics().get("test_accuracy") > 0.9, r.metrics().toString());
        assertEquals(0L, r.metrics().get("failed_task_attempts"), r.metrics().toString());
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("_SUCCESS", "history_epochs.csv", "history_steps.csv", "loss.png", "manifest.json",
                    "metric.png", "metrics.json", "model.keras", "model.weights.h5", "weights.arrow"), names);
        }
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals("Adadelta", manifest.findValue("class_name").asText(), manifest.toString());
        assertTrue(manifest.toString().contains("dense_1/kernel"), "Keras variable paths in the manifest");
        assertEquals(4 * 10, Files.readAllLines(out.resolve("history_steps.csv")).size() - 1, "4 epochs of 10 steps");
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Epoch 4/4"), log);
        // A readable summary with full paths, not a raw map of unrounded metrics.
        assertFalse(log.contains("Metrics: {"), log);
        assertTrue(log.contains("Finished 40 steps in "), log);
        assertTrue(log.matches("(?s).*\\n  test        loss [0-9.e+-]{1,9}, accuracy \\d\\.\\d{4}\\R.*"), log);
        assertTrue(log.contains("Output      " + out + "\n  weights   " + out + "/weights.arrow\n  plots     " + out
                + "/loss.png  " + out + "/metric.png"), log);
        assertNoLeftovers(out);
    }

    @Test
    void configuredCallbacksStopEarlyOnTheSplitOffValidationAndTheOutputsAreStillWritten() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 600, 3);
        Path out = dir.resolve("run");
        Path log = dir.resolve("epochs.csv");
        ObjectNode config = config(csv, out, "\"mlp\"", 3);
        ((ObjectNode) config.get("data")).remove("validation");
        ObjectNode training = (ObjectNode) config.get("training");
        training.put("epochs", 10).put("validation_split", 0.25);
        // Nothing improves val_loss by 100: the wait reaches patience 2 at epoch 2.
        training.set("callbacks", JSON.readTree("[{\"class_name\": \"EarlyStopping\", \"config\": "
                + "{\"min_delta\": 100, \"patience\": 2, \"verbose\": 1}}, {\"class_name\": \"CSVLogger\", "
                + "\"config\": {\"filename\": \"" + log + "\"}}]"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainingResult r = run(config, console);

        assertEquals(3, r.history().epochs().size(), console.toString(StandardCharsets.UTF_8));
        assertEquals(3 * 8, r.history().steps().size(), "450 training rows (the first 75%) in batches of 60");
        List<String> epochs = Files.readAllLines(out.resolve("history_epochs.csv"));
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds", epochs.get(0));
        assertEquals(4, epochs.size());
        List<String> logged = Files.readAllLines(log);
        assertEquals("epoch,accuracy,learning_rate,loss,val_accuracy,val_loss", logged.get(0));
        assertEquals(4, logged.size());
        assertTrue(r.metrics().containsKey("validation_accuracy") && r.metrics().containsKey("test_accuracy"));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("Epoch 3: early stopping"));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("  accuracy 0."), "the training metric, by name");
        assertNoLeftovers(out);
    }

    @Test
    void powerOfTwoLossScalingWritesTheSameWeightsAsPlainAdadelta() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 300, 3);
        String adadelta = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": "
                + "{\"name\": \"adadelta\", \"learning_rate\": 1.0, \"epsilon\": 1e-4%s}, \"registered_name\": null}";
        String plain = String.format(adadelta, "");
        String lso = "{\"module\": \"keras.optimizers\", \"class_name\": \"LossScaleOptimizer\", \"config\": "
                + "{\"name\": \"loss_scale_optimizer\", \"inner_optimizer\": " + plain + ", "
                + "\"initial_scale\": 32768.0, \"dynamic_growth_steps\": 3}, \"registered_name\": null}";
        String factor = String.format(adadelta, ", \"loss_scale_factor\": 256.0");
        List<byte[]> weights = new ArrayList<>();
        for (String optimizer : List.of(plain, lso, factor)) {
            Path out = dir.resolve("run" + weights.size());
            ObjectNode c = config(csv, out, "\"mlp\"", 3);
            c.set("optimizer", JSON.readTree(optimizer));
            c.with("training").put("epochs", 2);
            TrainingResult r = run(c, new ByteArrayOutputStream());
            assertEquals(10, r.optimizer().iterations(), optimizer);
            weights.add(Files.readAllBytes(out.resolve("weights.arrow")));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights.get(0), weights.get(1), "LossScaleOptimizer");
        org.junit.jupiter.api.Assertions.assertArrayEquals(weights.get(0), weights.get(2), "loss_scale_factor=256");
    }

    @Test
    void theFusedUpdateKernelWritesTheSameBytesAsTheTensorOps() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 300, 3);
        String optimizer = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": "
                + "{\"name\": \"adadelta\", \"learning_rate\": 1.0, \"epsilon\": 1e-4, \"weight_decay\": 0.01, "
                + "\"global_clipnorm\": 0.5, \"use_ema\": true, \"ema_overwrite_frequency\": 4}, "
                + "\"registered_name\": null}";
        List<List<byte[]>> outputs = new ArrayList<>();
        for (String kernel : List.of("tensor_ops", "fused")) {
            Path out = dir.resolve(kernel);
            ObjectNode c = config(csv, out, "\"mlp\"", 3);
            c.set("optimizer", JSON.readTree(optimizer));
            c.with("training").put("update_kernel", kernel);
            run(c, new ByteArrayOutputStream());
            outputs.add(List.of(Files.readAllBytes(out.resolve("weights.arrow")),
                    Files.readAllBytes(out.resolve("model.weights.h5"))));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(outputs.get(0).get(0), outputs.get(1).get(0), "weights");
        org.junit.jupiter.api.Assertions.assertArrayEquals(outputs.get(0).get(1), outputs.get(1).get(1),
                "model.weights.h5, with the optimizer's variables");
    }

    @Test
    void checkpointsAreWrittenAndResumeContinuesFromTheNewest() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 300, 3);
        ObjectNode c = config(csv, dir.resolve("run"), "\"mlp\"", 3);
        c.putObject("checkpoint").put("path", dir.resolve("ckpt").toString()).put("every_steps", 7).put("keep", 2);
        TrainingResult first = run(c, new ByteArrayOutputStream());
        try (Stream<Path> ckpts = Files.list(dir.resolve("ckpt"))) {
            assertEquals(List.of("ckpt-000000000014", "ckpt-000000000020"),
                    ckpts.map(p -> p.getFileName().toString()).sorted().toList(), "every 7 steps and the last, keep 2");
        }
        // Resuming from the final checkpoint runs no step and finalizes to the same weights.
        c.with("output").put("path", dir.resolve("run2").toString());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TrainingResult resumed = new TrainingJob(SparkTestSession.get(), JobConfig.from(ConfigTree.fromNode(c,
                List.of())), new PrintStream(console, true, StandardCharsets.UTF_8)).run(true);
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("Resuming from the checkpoint of step 20"),
                console.toString(StandardCharsets.UTF_8));
        // No step ran, yet the history is the whole run's, carried in the checkpoint.
        History history = Histories.withoutSeconds(resumed.history());
        assertEquals(20, history.steps().size());
        assertEquals(Histories.withoutSeconds(first.history()).steps(), history.steps());
        assertEquals(Histories.withoutSeconds(first.history()).epochs(), history.epochs());
        org.junit.jupiter.api.Assertions.assertArrayEquals(first.weights(), resumed.weights());
    }

    @Test
    void resumeWithoutACheckpointPathIsAConfigError() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 100, 3);
        JobConfig c = JobConfig.from(ConfigTree.fromNode(config(csv, dir.resolve("run"), "\"mlp\"", 3), List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingJob(
                SparkTestSession.get(), c, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(true));
        assertTrue(e.getMessage().contains("checkpoint.path"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void anExistingOutputIsRefusedBeforeAnyWork() throws Exception {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "previous run");
        // The data path does not exist either: the output check must come first and nothing be loaded.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(config(dir.resolve("missing.csv"), out, "\"mlp\"", 3), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("output.overwrite=true"),
                e.getMessage());
        assertEquals("previous run", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void theTrainingFileIsNeverTheOutputEvenWithOverwrite() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 100, 3);
        String before = Files.readString(csv);
        ObjectNode c = config(csv, csv, "\"mlp\"", 3);
        c.with("output").put("overwrite", true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(c, new ByteArrayOutputStream()));
        assertEquals("output.path " + csv.toRealPath() + " is the training data (data.train.path): choose another "
                + "output path", e.getMessage());
        assertEquals(before, Files.readString(csv));
        assertNoLeftovers(csv);
    }

    @Test
    void aTestSetTheModelCannotTakeIsRefusedBeforeTraining() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 200, 3);
        Path wide = blobsCsv(dir.resolve("test.csv"), 50, 4);
        ObjectNode c = config(csv, dir.resolve("run"), "\"mlp\"", 3);
        c.with("data").with("test").put("path", wide.toString());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(c, console));
        assertTrue(e.getMessage().startsWith("The test data (") && e.getMessage().contains("has 4 features per row, "
                + "but the model expects 3"), e.getMessage());
        String log = console.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("Epoch 1/"), "no step ran: " + log);
        assertFalse(Files.exists(dir.resolve("run")));
        assertNoLeftovers(dir.resolve("run"));
    }

    @Test
    void badDataLeavesNoOutputBehind() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 100, 3);
        Path out = dir.resolve("run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(config(csv, out, "\"mlp\"", 2), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("labels in [0, 2], but the model has 2 classes"), e.getMessage());
        assertFalse(Files.exists(out));
        assertNoLeftovers(out);
    }

    @Test
    void aFailedTaskWithoutRetriesFailsTheRunNamingTheCauseAndLeavesNoOutput() throws Exception {
        Path csv = blobsCsv(dir.resolve("train.csv"), 200, 3);
        Path out = dir.resolve("run");
        SparkContext sc = SparkTestSession.get().sparkContext();
        // The shared session is local[2], one attempt per task: the injected failure cannot be retried.
        sc.setLocalProperty(InjectedFaults.KEY, "fail-task:step=5:partition=1");
        try {
            SparkException e = assertThrows(SparkException.class,
                    () -> run(config(csv, out, "\"mlp\"", 3), new ByteArrayOutputStream()));
            assertTrue(e.getMessage().contains("injected fault fail-task:step=5:partition=1"), e.getMessage());
        } finally {
            sc.setLocalProperty(InjectedFaults.KEY, null);
        }
        assertFalse(Files.exists(out));
        assertNoLeftovers(out);
    }

    @Test
    void fashionMnistReachesAUsefulAccuracyInOneEpoch() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of(FASHION, "train-images-idx3-ubyte.gz")),
                "Debian's dataset-fashion-mnist is not installed");
        ObjectNode c = (ObjectNode) JSON.readTree(Files.readString(Path.of("../conf/fashion-mnist.json"))
                .replaceAll("(?m)^\\s*//.*$", ""));
        ConfigTree tree = ConfigTree.fromNode(c, List.of("training.epochs=1", "training.batch_size=256",
                "model.hidden=[64]", "output.path=" + dir.resolve("fm")));
        TrainingResult r = new TrainingJob(SparkTestSession.get(), JobConfig.from(tree),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        double accuracy = (double) r.metrics().get("test_accuracy");
        assertTrue(accuracy > 0.75, "test accuracy after one epoch: " + accuracy);
        assertEquals(211, r.history().steps().size(), "ceil(54000 / 256) steps: 10% is held out for validation");
        assertTrue((double) r.metrics().get("validation_accuracy") > 0.75, r.metrics().toString());
    }

    private TrainingResult run(ObjectNode config, ByteArrayOutputStream console) {
        JobConfig c = JobConfig.from(ConfigTree.fromNode(config, List.of()));
        return new TrainingJob(SparkTestSession.get(), c, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
    }

    private static ObjectNode config(Path csv, Path out, String modelType, int classes) throws Exception {
        String data = "{\"format\": \"csv\", \"path\": \"" + csv + "\", \"label_col\": \"label\"}";
        return (ObjectNode) JSON.readTree("{"
                + "\"name\": \"blobs\","
                + "\"data\": {\"train\": " + data + ", \"validation\": " + data + ", \"test\": " + data + ","
                + "  \"partitions\": 2, \"block_rows\": 128},"
                + "\"model\": {\"type\": " + modelType + ", \"hidden\": [8], \"classes\": " + classes + "},"
                + "\"training\": {\"epochs\": 4, \"batch_size\": 60},"
                + "\"optimizer\": {\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\","
                + "  \"config\": {\"learning_rate\": 1.0, \"epsilon\": 1e-4}, \"registered_name\": null},"
                + "\"output\": {\"path\": \"" + out + "\"}}");
    }

    /** Three well separated blobs with columns label,f0..f{cols-1}. */
    static Path blobsCsv(Path file, int rows, int cols) throws Exception {
        Random r = new Random(5);
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder("label");
        for (int j = 0; j < cols; j++) {
            header.append(",f").append(j);
        }
        lines.add(header.toString());
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(3);
            StringBuilder line = new StringBuilder().append(c);
            for (int j = 0; j < cols; j++) {
                line.append(',').append(r.nextGaussian() * 0.5 + (j == c ? 3 : 0));
            }
            lines.add(line.toString());
        }
        return Files.write(file, lines);
    }

    private static void assertNoLeftovers(Path out) throws Exception {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            List<String> temp = siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(out.getFileName() + "._")).toList();
            assertEquals(List.of(), temp, "temporary directories left behind");
        }
    }
}
