package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;

class RunOutputsTest {
    private static final Configuration CONF = new Configuration();
    private static final Instant CREATED = Instant.parse("2025-03-04T05:06:07.089Z");

    @TempDir
    Path parent;

    private Path target() {
        return parent.resolve("run");
    }

    private Path write(RunResult run) throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            RunOutputs.write(out, run, CREATED);
        }
        return target();
    }

    private static Map<String, Object> readJson(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return MetricsJson.read(in);
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void writesExactlyTheExpectedFiles() throws IOException {
        write(SampleRuns.run(SampleRuns.history(3, 20, true, "accuracy")));
        assertEquals(Set.of("run", "run/_SUCCESS", "run/history_epochs.csv", "run/history_steps.csv",
                "run/loss.png", "run/manifest.json", "run/metric.png", "run/metrics.json", "run/model.keras",
                "run/model.weights.h5", "run/weights.arrow"),
                OutputDirectoryTest.tree(parent));
    }

    @Test
    void manifestChecksumsAndSizesMatchTheFiles() throws Exception {
        Path dir = write(SampleRuns.run(SampleRuns.history(3, 20, true, "accuracy")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) readJson(dir.resolve("manifest.json")).get("files");
        Set<String> listed = new TreeSet<>();
        for (Map<String, Object> f : files) {
            Path file = dir.resolve((String) f.get("name"));
            listed.add((String) f.get("name"));
            assertEquals(sha256(file), f.get("sha256"), file.toString());
            assertEquals(Files.size(file), ((Number) f.get("size")).longValue(), file.toString());
        }
        assertEquals(Set.of("history_epochs.csv", "history_steps.csv", "loss.png", "metric.png", "metrics.json",
                "model.keras", "model.weights.h5", "weights.arrow"), listed);
    }

    @Test
    void manifestDescribesTheRun() throws IOException {
        RunResult run = SampleRuns.run(SampleRuns.history(2, 5, true, "accuracy"));
        Path dir = write(run);
        Map<String, Object> m = readJson(dir.resolve("manifest.json"));
        assertEquals("spark-adadelta-run", m.get("format"));
        assertEquals(1, m.get("format_version"));
        assertEquals("sample run", m.get("run_name"));
        assertEquals("2025-03-04T05:06:07.089Z", m.get("created"));
        assertEquals(run.model(), m.get("model"));
        assertEquals(run.dataset(), m.get("dataset"));
        assertEquals(run.metrics(), m.get("metrics"));
        assertEquals(run.optimizer().kerasConfig(), m.get("optimizer"));
        assertEquals(Map.of("iterations", 1234, "raw_iterations", 2468), m.get("optimizer_iterations"));
        assertEquals(Map.of("path", "dense_1/kernel", "name", "kernel", "shape", List.of(3, 2), "dtype", "float32",
                "offset", 15), ((List<?>) m.get("variables")).get(2));
        String text = Files.readString(dir.resolve("manifest.json"));
        assertTrue(text.contains("\"epsilon\" : 1e-07"), "Python float style: " + text);
        assertTrue(text.contains("\"test_loss\" : 0.30000000000000004"), text);
    }

    @Test
    void metricsAndWeightsReadBack() throws IOException {
        RunResult run = SampleRuns.run(SampleRuns.history(2, 5, true, "accuracy"));
        Path dir = write(run);
        assertEquals(run.metrics(), readJson(dir.resolve("metrics.json")));
        float[] weights = WeightsFile.read(new org.apache.hadoop.fs.Path(dir.resolve("weights.arrow").toUri()),
                CONF, run.layout());
        for (int i = 0; i < weights.length; i++) {
            assertEquals(Float.floatToRawIntBits(run.weights()[i]), Float.floatToRawIntBits(weights[i]), "weight " + i);
        }
        try (InputStream in = Files.newInputStream(dir.resolve("history_steps.csv"))) {
            assertEquals(run.history().steps(), HistoryCsv.readSteps(in));
        }
    }

    @Test
    void withoutAnyMetricThereIsNoMetricPlotInTheOutputOrManifest() throws IOException {
        History h = new History();
        SampleRuns.history(2, 5, false, "accuracy").epochs().forEach(e -> h.add(new EpochRecord(e.epoch(), e.loss(),
                Double.NaN, Double.NaN, Double.NaN, 1, "accuracy", 1)));
        Path dir = write(SampleRuns.run(h));
        assertTrue(Files.exists(dir.resolve("loss.png")));
        assertTrue(!Files.exists(dir.resolve("metric.png")));
        assertTrue(!Files.readString(dir.resolve("manifest.json")).contains("metric.png"));
    }

    @Test
    void aFailureWhileWritingLeavesNoOutput() throws IOException {
        History mixed = new History();
        mixed.add(new EpochRecord(0, 1, 1, 1, 1, 1, "accuracy", 1));
        mixed.add(new EpochRecord(1, 1, 1, 1, 1, 1, "rmse", 1));
        assertThrows(IllegalArgumentException.class, () -> write(SampleRuns.run(mixed)));
        assertEquals(Set.of(), OutputDirectoryTest.tree(parent));
    }

    @Test
    void optimizerStateComesFromARealAdadelta() {
        OptimizerState state = OptimizerState.of(org.sparkadadelta.optim.Adadelta.builder().learningRate(0.5).build());
        assertEquals("Adadelta", state.kerasConfig().get("class_name"));
        assertEquals(0.5, ((Map<?, ?>) state.kerasConfig().get("config")).get("learning_rate"));
        assertEquals(0, state.iterations());
        assertEquals(0, state.rawIterations());
    }
}
