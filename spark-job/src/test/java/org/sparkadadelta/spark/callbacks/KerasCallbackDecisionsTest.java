package org.sparkadadelta.spark.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our EarlyStopping, ReduceLROnPlateau and CSVLogger against Keras 3's own, on the same epoch logs: random
 * configurations (every argument, ties and plateaus included: the logs are rounded to two decimals) are
 * replayed through both, and the epochs run, the learning rate after each epoch and the CSV file must agree.
 * Keras runs in python3 ({@code src/test/python/keras_callbacks.py}); skipped without keras.
 */
class KerasCallbackDecisionsTest {
    // NaN as the bare token Python's json reads as a float, not as a string.
    private static final ObjectMapper JSON = new ObjectMapper().configure(
            com.fasterxml.jackson.core.JsonGenerator.Feature.QUOTE_NON_NUMERIC_NUMBERS, false);
    private static final int CASES = 120;

    @TempDir
    Path dir;

    @Test
    void earlyStoppingAndReduceLROnPlateauDecideAsKerasDoes() throws Exception {
        Random random = new Random(20261127);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            cases.add(i % 2 == 0 ? earlyStopping(random) : reduceLROnPlateau(random));
        }
        JsonNode keras = keras(cases);
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> c = cases.get(i);
            @SuppressWarnings("unchecked")
            List<Map<String, Double>> logs = (List<Map<String, Double>>) c.get("logs");
            LogReplay run = new LogReplay((Double) c.get("learning_rate"), true);
            @SuppressWarnings("unchecked")
            Callback callback = CallbackConfig.deserialize(Map.of("class_name", c.get("class_name"), "config",
                    c.get("config")), Map.of());
            List<Double> rates = run.replay(List.of(callback), logs);
            String what = "case " + i + ": " + JSON.writeValueAsString(c);
            assertEquals(keras.get(i).get("epochs").asInt(), run.epochsRun(), what);
            List<Double> expected = new ArrayList<>();
            keras.get(i).get("learning_rates").forEach(r -> expected.add(r.asDouble()));
            assertEquals(expected, rates, what);
        }
    }

    @Test
    void csvLoggerWritesWhatKerasWrites() throws Exception {
        List<Map<String, Double>> logs = logs(new Random(7), 4);
        logs.get(2).put("val_loss", Double.NaN);
        List<Map<String, Object>> cases = new ArrayList<>();
        for (boolean validation : List.of(true, false)) {
            List<Map<String, Double>> shown = new ArrayList<>();
            for (Map<String, Double> l : logs) {
                Map<String, Double> m = new LinkedHashMap<>(l);
                if (!validation) {
                    m.keySet().removeIf(k -> k.startsWith("val_"));
                }
                m.put("learning_rate", 1.0);
                shown.add(m);
            }
            Path kerasFile = dir.resolve("keras-" + validation + ".csv");
            cases.add(Map.of("class_name", "CSVLogger", "config", Map.of("filename", kerasFile.toString()),
                    "learning_rate", 1.0, "logs", shown));
            Path ours = dir.resolve("ours-" + validation + ".csv");
            new LogReplay(1.0, validation).replay(List.of(new CSVLogger(ours.toString())), shown);
            cases.add(Map.of("ours", ours.toString(), "keras", kerasFile.toString()));
        }
        keras(cases.stream().filter(c -> c.containsKey("class_name")).toList());
        for (Map<String, Object> c : cases) {
            if (c.containsKey("ours")) {
                String expected = Files.readString(Path.of((String) c.get("keras")));
                assertEquals(expected, Files.readString(Path.of((String) c.get("ours"))));
                assertTrue(expected.startsWith("epoch,"), expected);
            }
        }
    }

    private static Map<String, Object> earlyStopping(Random r) {
        Map<String, Object> config = new LinkedHashMap<>();
        String monitor = pick(r, "val_loss", "loss", "accuracy", "val_accuracy");
        config.put("monitor", monitor);
        config.put("patience", r.nextInt(4));
        config.put("min_delta", pick(r, 0.0, 0.01, 0.05, -0.02));
        config.put("mode", pick(r, "auto", "auto", "min", "max"));
        if (r.nextInt(3) == 0) {
            config.put("baseline", round(monitor.contains("loss") ? 0.5 + r.nextDouble() : r.nextDouble()));
        }
        config.put("restore_best_weights", r.nextBoolean());
        config.put("start_from_epoch", r.nextInt(3));
        return kerasCase("EarlyStopping", config, r);
    }

    private static Map<String, Object> reduceLROnPlateau(Random r) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("monitor", pick(r, "val_loss", "loss", "accuracy", "val_accuracy"));
        config.put("factor", pick(r, 0.1, 0.5, 0.3));
        config.put("patience", r.nextInt(4));
        config.put("mode", pick(r, "auto", "auto", "min", "max"));
        config.put("min_delta", pick(r, 0.0, 1e-4, 0.02));
        config.put("cooldown", r.nextInt(3));
        config.put("min_lr", pick(r, 0.0, 0.01, 0.2));
        return kerasCase("ReduceLROnPlateau", config, r);
    }

    private static Map<String, Object> kerasCase(String name, Map<String, Object> config, Random r) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("class_name", name);
        c.put("config", config);
        c.put("learning_rate", pick(r, 1.0, 0.5));
        c.put("logs", logs(r, 6 + r.nextInt(10)));
        return c;
    }

    /** Random walks of loss and accuracy, rounded to two decimals so that ties and plateaus occur. */
    private static List<Map<String, Double>> logs(Random r, int epochs) {
        List<Map<String, Double>> logs = new ArrayList<>();
        double loss = 1.5;
        double accuracy = 0.4;
        double valLoss = 1.6;
        double valAccuracy = 0.35;
        for (int e = 0; e < epochs; e++) {
            loss = Math.max(0.01, loss + (r.nextDouble() - 0.65) * 0.2);
            accuracy = Math.min(1, Math.max(0, accuracy + (r.nextDouble() - 0.35) * 0.1));
            valLoss = Math.max(0.01, valLoss + (r.nextDouble() - 0.55) * 0.15);
            valAccuracy = Math.min(1, Math.max(0, valAccuracy + (r.nextDouble() - 0.45) * 0.08));
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", round(loss));
            m.put("accuracy", round(accuracy));
            m.put("val_loss", round(valLoss));
            m.put("val_accuracy", round(valAccuracy));
            logs.add(m);
        }
        return logs;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** Keras's decisions on the cases, from python3; skips the test where Keras is not installed. */
    private JsonNode keras(List<Map<String, Object>> cases) throws IOException, InterruptedException {
        Path input = Files.createTempFile(dir, "cases", ".json");
        Files.writeString(input, JSON.writeValueAsString(cases));
        Assumptions.assumeTrue(python("-c", "import keras").exit() == 0, "python3 with keras is not available (pip "
                + "install keras==3.15.1 tensorflow-cpu==2.21.0)");
        Output out = python(Path.of("src/test/python/keras_callbacks.py").toAbsolutePath().toString(),
                input.toString());
        assertEquals(0, out.exit(), out.text());
        return JSON.readTree(out.text().lines().reduce((a, b) -> b).orElse("[]"));
    }

    private record Output(int exit, String text) {
    }

    /** python3 with these arguments: its exit status and standard output (-1 without python3). */
    private static Output python(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "python3 did not finish");
            return new Output(p.exitValue(), text);
        } catch (IOException noPython) {
            return new Output(-1, noPython.getMessage());
        }
    }
}
