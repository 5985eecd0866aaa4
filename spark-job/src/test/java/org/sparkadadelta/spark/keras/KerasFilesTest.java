package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.schedules.CosineDecay;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Keras files without Python: what we write reads back exactly (every model type, every optimizer kind), the
 * archive and the H5 layout are Keras's, and what this job cannot train is refused with a message naming it.
 * (That real Keras loads them, and writes what we read, is checked against Keras itself in
 * {@link KerasLoadsJobOutputTest} and {@link KerasContinuationTest}.)
 */
class KerasFilesTest {
    private static final Configuration HADOOP = new Configuration();
    private static final ModelSpec MLP = new ModelSpec("mlp", new int[] {5, 4}, 3);

    @TempDir
    Path dir;

    static List<Supplier<Optimizer>> optimizers() {
        return List.of(
                () -> Adadelta.builder().name("adadelta").learningRate(1.0).build(),
                () -> new LossScaleOptimizer(Adadelta.builder().name("adadelta").learningRate(1.0).build(), 32768.0,
                        3, "loss_scale_optimizer"),
                () -> Adadelta.builder().name("adadelta_1").learningRate(LearningRate.of(new CosineDecay(1.0, 100)))
                        .useEma(true).gradientAccumulationSteps(2).build());
    }

    /** A model of {@code spec} on {@code features} inputs, trained 3 steps with {@code optimizer} (or not at all). */
    static KerasModel trained(ModelSpec spec, int features, Optimizer optimizer, int steps) {
        ParameterLayout layout = spec.build(features).layout();
        SplittableRandom random = new SplittableRandom(7);
        float[] w = new float[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        w[0] = -0.0f;
        w[1] = Float.intBitsToFloat(0x7fc12345);
        w[2] = Float.MIN_VALUE;
        List<Variable> vars = new ArrayList<>();
        for (VariableSpec v : layout.variables()) {
            vars.add(new Variable(v.name(), v.path(),
                    Nd4j.createFromArray(Arrays.copyOfRange(w, v.offset(), v.offset() + v.size())).reshape(v.shape())));
        }
        for (int s = 0; s < steps; s++) {
            List<INDArray> grads = new ArrayList<>();
            for (Variable v : vars) {
                grads.add(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, v.shape()).subi(0.5));
            }
            optimizer.apply(grads, vars);
        }
        for (VariableSpec v : layout.variables()) {
            float[] values = vars.get(layout.variables().indexOf(v)).value().dup('c').data().asFloat();
            System.arraycopy(values, 0, w, v.offset(), v.size());
        }
        return KerasModel.of(spec, features, w, optimizer);
    }

    private Path write(String name, KerasModel model) throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            if (name.endsWith(".keras")) {
                KerasFiles.writeModel(out, model, Instant.parse("2026-11-27T10:00:00Z"));
            } else {
                KerasFiles.writeWeights(out, model);
            }
        }
        return file;
    }

    private static void assertSameModel(KerasModel expected, KerasModel actual) {
        assertEquals(expected.model(), actual.model());
        assertEquals(expected.features(), actual.features());
        assertArrayEquals(bits(expected.weights()), bits(actual.weights()), "weights bit for bit");
        assertEquals(KerasJson.write(expected.optimizerConfig()), KerasJson.write(actual.optimizerConfig()));
        assertEquals(expected.optimizerVariables().size(), actual.optimizerVariables().size());
        for (int i = 0; i < expected.optimizerVariables().size(); i++) {
            KerasTensor e = expected.optimizerVariables().get(i);
            KerasTensor a = actual.optimizerVariables().get(i);
            assertEquals(e.dtype(), a.dtype(), e.path());
            assertArrayEquals(e.shape(), a.shape(), e.path());
            assertTrue(java.util.Objects.deepEquals(e.values(), a.values()), e.path());
        }
    }

    private static int[] bits(float[] values) {
        return java.util.stream.IntStream.range(0, values.length).map(i -> Float.floatToRawIntBits(values[i])).toArray();
    }

    @Test
    void everyModelTypeAndOptimizerReadsBackExactly() throws Exception {
        List<ModelSpec> specs = List.of(new ModelSpec("linear", null, 0), new ModelSpec("logistic", null, 0),
                new ModelSpec("softmax", null, 3), MLP);
        for (ModelSpec spec : specs) {
            for (Supplier<Optimizer> optimizer : optimizers()) {
                for (int steps : new int[] {0, 3}) {
                    KerasModel model = trained(spec, 6, optimizer.get(), steps);
                    assertEquals(steps > 0, model.hasOptimizerState());
                    String what = spec + " " + model.optimizerConfig().get("class_name") + " after " + steps;
                    KerasModel archive = KerasFiles.read(write("m.keras", model).toString(), HADOOP);
                    assertSameModel(model, archive);
                    KerasModel weights = KerasFiles.readWeights(write("m.weights.h5", model).toString(), spec,
                            model.optimizerConfig(), HADOOP);
                    assertSameModel(model, weights);
                    // And the state continues: restored into a fresh optimizer, the same variables.
                    if (steps > 0) {
                        Optimizer fresh = archive.newOptimizer(m -> { });
                        fresh.build(archive.variables());
                        archive.restoreOptimizerState(fresh);
                        assertEquals(model.optimizerVariables().size(), fresh.optimizerVariables().size(), what);
                        for (int i = 0; i < fresh.optimizerVariables().size(); i++) {
                            KerasTensor restored = KerasTensor.of(fresh.optimizerVariables().get(i).variable());
                            assertTrue(java.util.Objects.deepEquals(model.optimizerVariables().get(i).values(),
                                    restored.values()), what + " " + restored);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theArchiveIsKerasLayout() throws Exception {
        KerasModel model = trained(MLP, 6, optimizers().get(1).get(), 2);
        Path file = write("m.keras", model);
        List<String> entries = new ArrayList<>();
        Map<String, Object> config = null;
        Path h5 = dir.resolve("extracted.h5");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
                if (e.getName().equals("config.json")) {
                    config = KerasJson.parse(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                } else if (e.getName().equals("metadata.json")) {
                    assertEquals("{\"keras_version\": \"3.15.1\", \"date_saved\": \"2026-11-27@10:00:00\"}",
                            new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                } else {
                    Files.copy(zip, h5);
                }
            }
        }
        assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), entries);
        assertEquals("Sequential", config.get("class_name"));
        String json = PythonJson.write(config);
        for (String s : List.of("\"class_name\": \"InputLayer\"", "\"batch_shape\": [null, 6]",
                "\"name\": \"dense\"", "\"name\": \"dense_1\"", "\"name\": \"dense_2\"", "\"units\": 5",
                "\"activation\": \"relu\"", "\"activation\": \"softmax\"", "\"GlorotUniform\"",
                "\"loss\": \"sparse_categorical_crossentropy\"", "\"metrics\": [\"accuracy\"]",
                "\"class_name\": \"LossScaleOptimizer\"", "\"inner_optimizer\"")) {
            assertTrue(json.contains(s), s + " in " + json);
        }

        try (HdfFile f = new HdfFile(h5)) {
            assertEquals(java.util.Set.of("layers", "optimizer"), f.getChildren().keySet());
            Group layers = (Group) f.getChild("layers");
            assertEquals(java.util.Set.of("dense", "dense_1", "dense_2"), layers.getChildren().keySet());
            Group dense1 = (Group) f.getByPath("layers/dense_1/vars");
            assertEquals("dense_1", dense1.getAttribute("name").getData());
            assertArrayEquals(new int[] {5, 4}, ((Dataset) dense1.getChild("0")).getDimensions());
            assertArrayEquals(new int[] {4}, ((Dataset) dense1.getChild("1")).getDimensions());
            Group opt = (Group) f.getByPath("optimizer/vars");
            assertEquals("loss_scale_optimizer", opt.getAttribute("name").getData());
            // iteration, learning_rate, step_counter, dynamic_scale, then the inner's iteration, learning_rate
            // and 2 slots for each of the 6 variables.
            assertEquals(4 + 2 + 12, opt.getChildren().size());
            Dataset iteration = (Dataset) opt.getChild("0");
            assertTrue(iteration.isScalar());
            assertEquals(Long.class, iteration.getJavaType());
            Dataset scale = (Dataset) opt.getChild("3");
            assertTrue(scale.isScalar());
            assertEquals(32768.0f, scale.getData());
            Group inner = (Group) f.getByPath("optimizer/inner_optimizer/vars");
            assertEquals("adadelta", inner.getAttribute("name").getData());
            assertEquals(2 + 12, inner.getChildren().size());
            assertEquals(2L, ((Dataset) inner.getChild("0")).getData(), "the inner iteration after 2 steps");
        }
    }

    // ------------------------------------------------------------------ refusals

    private String refusal(Consumer<Map<String, Object>> change) throws Exception {
        KerasModel model = trained(MLP, 6, optimizers().get(0).get(), 1);
        Map<String, Object> config = KerasJson.parse(KerasJson.write(
                KerasModelConfig.sequential(model.model(), model.features(), model.optimizerConfig())));
        change.accept(config);
        Path file = dir.resolve("bad.keras");
        try (OutputStream out = Files.newOutputStream(file)) {
            KerasFiles.writeArchive(out, config, KerasFiles.contents(model), Instant.now());
        }
        return assertThrows(IllegalArgumentException.class, () -> KerasFiles.read(file.toString(), HADOOP))
                .getMessage();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layers(Map<String, Object> config) {
        return (List<Map<String, Object>>) ((Map<String, Object>) config.get("config")).get("layers");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layerConfig(Map<String, Object> config, int index) {
        return (Map<String, Object>) layers(config).get(index).get("config");
    }

    @Test
    void refusesWhatItCannotTrainNamingTheLayerAndField() throws Exception {
        assertTrue(refusal(c -> layerConfig(c, 1).put("activation", "tanh"))
                .endsWith("bad.keras: layer 'dense' has activation 'tanh': only relu, softmax, sigmoid and linear "
                        + "are supported"));
        assertTrue(refusal(c -> layers(c).add(2, Map.of("module", "keras.layers", "class_name", "Dropout",
                "config", Map.of("name", "dropout", "rate", 0.5))))
                .contains("layer 'dropout' is a Dropout: only Dense layers"));
        assertTrue(refusal(c -> layers(c).set(1, Map.of("module", "keras.layers", "class_name", "Conv2D",
                "config", Map.of("name", "conv2d"))))
                .contains("layer 'conv2d' is a Conv2D"));
        assertTrue(refusal(c -> layerConfig(c, 2).put("use_bias", false)).contains("layer 'dense_1' has use_bias=false"));
        assertTrue(refusal(c -> layerConfig(c, 1).put("dtype", "mixed_float16"))
                .contains("layer 'dense' has dtype mixed_float16: only float32"));
        assertTrue(refusal(c -> layerConfig(c, 1).put("kernel_regularizer", Map.of("class_name", "L2",
                "config", Map.of("l2", 0.01)))).contains("layer 'dense' has kernel_regularizer=L2"));
        assertTrue(refusal(c -> layerConfig(c, 2).put("activation", "sigmoid"))
                .contains("hidden layer 'dense_1' has activation sigmoid: hidden layers must use relu"));
        assertTrue(refusal(c -> layerConfig(c, 3).put("activation", "sigmoid"))
                .contains("output layer 'dense_2' has activation sigmoid after hidden layers"));
        assertTrue(refusal(c -> ((Map<String, Object>) c.get("compile_config")).put("loss", "categorical_crossentropy"))
                .contains("compile_config.loss is 'categorical_crossentropy'"));
        assertTrue(refusal(c -> c.put("class_name", "Bidirectional")).contains("the model is a Bidirectional"));
    }

    @Test
    void refusesAFunctionalGraphThatIsNotAChain() throws Exception {
        String message = refusal(c -> {
            c.put("class_name", "Functional");
            List<Map<String, Object>> ls = layers(c);
            Map<String, Object> body = (Map<String, Object>) c.get("config");
            String previous = null;
            for (Map<String, Object> l : ls) {
                String name = (String) ((Map<String, Object>) l.get("config")).get("name");
                l.put("name", name);
                // dense_2 takes dense's output, skipping dense_1: a graph, not a chain.
                String from = "dense_2".equals(name) ? "dense" : previous;
                l.put("inbound_nodes", from == null ? List.of() : List.of(Map.of("args", List.of(Map.of(
                        "class_name", "__keras_tensor__", "config", Map.of("keras_history", List.of(from, 0, 0)))),
                        "kwargs", Map.of())));
                previous = name;
            }
            body.put("input_layers", List.of("input_layer", 0, 0));
            body.put("output_layers", List.of("dense_2", 0, 0));
        });
        assertTrue(message.contains("is not a single chain"), message);
    }

    @Test
    void refusesWeightsOfAnotherDtypeOrShape() throws Exception {
        KerasModel model = trained(MLP, 6, optimizers().get(0).get(), 1);
        WeightsH5.Contents good = KerasFiles.contents(model);
        List<WeightsH5.Layer> layers = new ArrayList<>(good.layers());
        WeightsH5.Layer first = layers.get(0);
        layers.set(0, new WeightsH5.Layer("dense", "dense", List.of(new KerasTensor("k", "float64", new long[] {6, 5},
                new double[30]), first.vars().get(1))));
        Path file = dir.resolve("f64.keras");
        try (OutputStream out = Files.newOutputStream(file)) {
            KerasFiles.writeArchive(out, KerasModelConfig.sequential(MLP, 6, model.optimizerConfig()),
                    new WeightsH5.Contents(layers, good.optimizer()), Instant.now());
        }
        String message = assertThrows(IllegalArgumentException.class,
                () -> KerasFiles.read(file.toString(), HADOOP)).getMessage();
        assertTrue(message.contains("/layers/dense/vars/0 (dense/kernel) has dtype float64: only float32"), message);

        Path h5 = write("m.weights.h5", model);
        message = assertThrows(IllegalArgumentException.class, () -> KerasFiles.readWeights(h5.toString(),
                new ModelSpec("mlp", new int[] {7, 4}, 3), null, HADOOP)).getMessage();
        assertTrue(message.contains("(dense/kernel) has shape (6, 5), the model needs (6, 7)"), message);
    }

    @Test
    void aModelWithoutOptimizerOrUntrainedHasNoState() throws Exception {
        KerasModel untrained = trained(MLP, 6, optimizers().get(0).get(), 0);
        assertTrue(!KerasFiles.read(write("u.keras", untrained).toString(), HADOOP).hasOptimizerState());
        KerasModel bare = new KerasModel(MLP, 6, untrained.weights(), null, List.of(), "bare");
        KerasModel read = KerasFiles.read(write("b.keras", bare).toString(), HADOOP);
        assertNull(read.optimizerConfig());
        assertTrue(!read.hasOptimizerState());
    }

    @Test
    void notAKerasFileIsSaidSo() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.keras"), "not a zip");
        String message = assertThrows(IllegalArgumentException.class,
                () -> KerasFiles.read(junk.toString(), HADOOP)).getMessage();
        assertTrue(message.contains("junk.keras: not a Keras 3 .keras archive"), message);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> KerasFiles.read(dir.resolve("none.keras").toString(), HADOOP)).getMessage();
        assertTrue(missing.endsWith("none.keras: no such file"), missing);
    }
}
