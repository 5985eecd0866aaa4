package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.keras.KerasFiles;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.VariableSpec;

/** {@code model.init_from} against the config's model and optimizer sections, all decided before Spark starts. */
class KerasStartTest {
    private static final ModelSpec MLP = new ModelSpec("mlp", new int[] {4}, 3);
    private static final String ADADELTA = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", "
            + "\"config\": {\"name\": \"adadelta\", \"learning_rate\": 1.0}, \"registered_name\": null}";

    @TempDir
    Path dir;

    /** A 5-4-3 MLP trained 2 steps with Adadelta(rho=0.9), as .keras and .weights.h5. */
    private Path file(String name) throws Exception {
        Optimizer optimizer = Adadelta.builder().name("adadelta").learningRate(1.0).rho(0.9).build();
        float[] w = MLP.build(5).initialParameters(1);
        List<Variable> vars = new ArrayList<>();
        for (VariableSpec v : MLP.build(5).layout().variables()) {
            vars.add(new Variable(v.name(), v.path(), Nd4j.ones(v.shape()).castTo(
                    org.nd4j.linalg.api.buffer.DataType.FLOAT)));
        }
        for (int s = 0; s < 2; s++) {
            optimizer.apply(vars.stream().map(v -> v.value().mul(0.5)).toList(), vars);
        }
        KerasModel model = KerasModel.of(MLP, 5, w, optimizer);
        Path path = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(path)) {
            if (name.endsWith(".keras")) {
                KerasFiles.writeModel(out, model, Instant.now());
            } else {
                KerasFiles.writeWeights(out, model);
            }
        }
        return path;
    }

    private static JobConfig config(String model, String optimizer) throws Exception {
        String json = "{\"data\": {\"train\": {\"format\": \"csv\", \"path\": \"/tmp/x.csv\"}},"
                + "\"model\": " + model + "," + (optimizer == null ? "" : "\"optimizer\": " + optimizer + ",")
                + "\"output\": {\"path\": \"/tmp/out\"}}";
        return JobConfig.from(ConfigTree.fromNode((com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json), List.of()));
    }

    private static String error(String model, String optimizer) {
        return assertThrows(IllegalArgumentException.class, () -> config(model, optimizer)).getMessage();
    }

    @Test
    void aKerasArchiveBringsItsArchitectureOptimizerAndState() throws Exception {
        Path keras = file("m.keras");
        JobConfig c = config("{\"init_from\": \"" + keras + "\"}", null);
        assertEquals(MLP, c.model());
        assertEquals(0.9, ((java.util.Map<?, ?>) c.optimizer().get("config")).get("rho"));
        assertTrue(c.initFrom().hasOptimizerState());
        assertEquals(5, c.initFrom().features());
        // The same model and optimizer may be spelled out.
        String same = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": {\"name\": "
                + "\"adadelta\", \"learning_rate\": 1.0, \"rho\": 0.9}, \"registered_name\": null}";
        c = config("{\"init_from\": \"" + keras + "\", \"type\": \"mlp\", \"hidden\": [4], \"classes\": 3}", same);
        assertTrue(c.initFrom().hasOptimizerState());
        // init_optimizer=false: the configured optimizer, afresh.
        c = config("{\"init_from\": \"" + keras + "\", \"init_optimizer\": false}", ADADELTA);
        assertFalse(c.initFrom().hasOptimizerState());
        assertEquals(0.95, c.newOptimizer(m -> { }).getConfig().get("rho"));
    }

    @Test
    void conflictsWithTheConfigAreRefusedNamingBothSides() throws Exception {
        Path keras = file("m.keras");
        String message = error("{\"init_from\": \"" + keras + "\", \"type\": \"mlp\", \"hidden\": [8], "
                + "\"classes\": 3}", null);
        assertTrue(message.startsWith("model: the config describes mlp[8] classes=3, " + keras
                + " holds mlp[4] classes=3"), message);
        message = error("{\"init_from\": \"" + keras + "\"}", ADADELTA);
        assertTrue(message.startsWith("optimizer: the config's differs from the one compiled into " + keras
                + " (optimizer.config.rho 0.95 vs 0.9)"), message);
        assertTrue(message.contains("model.init_optimizer=false"), message);
        message = error("{\"type\": \"mlp\", \"hidden\": [4], \"classes\": 3, \"init_optimizer\": false}", ADADELTA);
        assertEquals("Config key 'model.init_optimizer' applies only with model.init_from", message);
        message = error("{\"init_from\": \"" + dir.resolve("m.onnx") + "\"}", ADADELTA);
        assertTrue(message.contains("must name a Keras .keras archive or a .weights.h5 file"), message);
    }

    @Test
    void aWeightsFileTakesTheConfiguredModelAndOptimizer() throws Exception {
        Path h5 = file("m.weights.h5");
        String rho09 = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": {\"name\": "
                + "\"adadelta\", \"learning_rate\": 1.0, \"rho\": 0.9}, \"registered_name\": null}";
        JobConfig c = config("{\"init_from\": \"" + h5 + "\", \"type\": \"mlp\", \"hidden\": [4], \"classes\": 3}",
                rho09);
        assertTrue(c.initFrom().hasOptimizerState());
        String message = error("{\"init_from\": \"" + h5 + "\"}", rho09);
        assertTrue(message.contains("'model.type' is required with a weights file"), message);
        message = error("{\"init_from\": \"" + h5 + "\", \"type\": \"mlp\", \"hidden\": [6], \"classes\": 3}", rho09);
        assertTrue(message.contains("(dense/kernel) has shape (5, 4), the model needs (5, 6)"), message);
        // State that does not fit the configured optimizer (EMA adds averages): refused before Spark starts.
        String ema = rho09.replace("\"rho\": 0.9", "\"rho\": 0.9, \"use_ema\": true");
        message = error("{\"init_from\": \"" + h5 + "\", \"type\": \"mlp\", \"hidden\": [4], \"classes\": 3}", ema);
        assertTrue(message.contains("the file has 10 optimizer variables, the Adadelta built on this model has 14"),
                message);
        assertTrue(message.endsWith("(set model.init_optimizer=false to start the optimizer afresh)"), message);
        c = config("{\"init_from\": \"" + h5 + "\", \"type\": \"mlp\", \"hidden\": [4], \"classes\": 3, "
                + "\"init_optimizer\": false}", ema);
        assertFalse(c.initFrom().hasOptimizerState());
        assertNull(c.initFrom().optimizerConfig());
    }

    @Test
    void anArchiveWithAnotherOptimizerIsRefusedUnlessTheConfigGivesOne() throws Exception {
        Path keras = file("m.keras");
        // Rewrite the compile_config's optimizer as Adam: scoring could still read it, training cannot use it.
        Path adam = dir.resolve("adam.keras");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(keras));
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(adam))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("config.json")) {
                    bytes = new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("\"class_name\": \"Adadelta\"", "\"class_name\": \"Adam\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        String message = error("{\"init_from\": \"" + adam + "\"}", null);
        assertTrue(message.startsWith(adam + ": compile_config.optimizer: "), message);
        assertTrue(message.contains("Adam"), message);
        JobConfig c = config("{\"init_from\": \"" + adam + "\", \"init_optimizer\": false}", ADADELTA);
        assertFalse(c.initFrom().hasOptimizerState());
    }
}
