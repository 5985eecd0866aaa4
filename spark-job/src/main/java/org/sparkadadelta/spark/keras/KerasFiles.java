package org.sparkadadelta.spark.keras;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Keras 3 model files, written and read on the JVM (no Python): the {@code .keras} archive (a zip of
 * {@code metadata.json}, {@code config.json} and {@code model.weights.h5}, as {@code model.save} writes it) and
 * the weights file alone ({@code model.save_weights} / {@code model.load_weights}). Layout in {@link WeightsH5},
 * model config in {@link KerasModelConfig}.
 *
 * <pre>{@code
 * KerasModel m = KerasFiles.read("model.keras", hadoopConf);       // architecture, weights, optimizer + state
 * Network net = m.network();  float[] w = m.weights();
 * }</pre>
 */
public final class KerasFiles {
    /** The archive a run writes, loadable with {@code keras.saving.load_model}. */
    public static final String MODEL_FILE = "model.keras";
    /** The weights file a run writes, loadable with {@code model.load_weights}; also the archive's entry name. */
    public static final String WEIGHTS_FILE = "model.weights.h5";
    static final String CONFIG_ENTRY = "config.json";
    static final String METADATA_ENTRY = "metadata.json";
    /** The Keras version whose format these files follow (checked against it by the tests). */
    public static final String KERAS_VERSION = "3.15.1";
    /** The LossScaleOptimizer's own variables, ahead of its inner optimizer's: iteration, learning_rate,
     * step_counter, dynamic_scale (Keras's order, and {@link Optimizer#optimizerVariables()}'s). */
    private static final int LOSS_SCALE_OWN_VARIABLES = 4;

    private KerasFiles() {
    }

    // ------------------------------------------------------------------ writing

    /** Writes the {@code .keras} archive; {@code saved} is metadata.json's {@code date_saved}. */
    public static void writeModel(OutputStream out, KerasModel model, Instant saved) throws IOException {
        writeArchive(out, KerasModelConfig.sequential(model.model(), model.features(), model.optimizerConfig()),
                contents(model), saved);
    }

    /** An archive of the given config.json and weights, entries in Keras's order, uncompressed as Keras's are. */
    static void writeArchive(OutputStream out, Map<String, Object> config, WeightsH5.Contents weights, Instant saved)
            throws IOException {
        Map<String, Object> metadata = KerasModelConfig.object("keras_version", KERAS_VERSION,
                "date_saved", DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss", Locale.ROOT)
                        .format(saved.atOffset(ZoneOffset.UTC)));
        Path h5 = Files.createTempFile("spark-adadelta-", ".weights.h5");
        try {
            WeightsH5.write(h5, weights);
            ZipOutputStream zip = new ZipOutputStream(out);
            stored(zip, METADATA_ENTRY, PythonJson.write(metadata).getBytes(StandardCharsets.UTF_8));
            stored(zip, CONFIG_ENTRY, PythonJson.write(config).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(storedEntry(WEIGHTS_FILE, Files.size(h5), crc(h5)));
            Files.copy(h5, zip);
            zip.closeEntry();
            zip.finish();
            out.flush();
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    /** Writes {@code model.weights.h5} alone. */
    public static void writeWeights(OutputStream out, KerasModel model) throws IOException {
        Path h5 = Files.createTempFile("spark-adadelta-", ".weights.h5");
        try {
            WeightsH5.write(h5, contents(model));
            Files.copy(h5, out);
            out.flush();
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    /** The weights file's groups: each Dense layer's kernel and bias, then the optimizer's variables. */
    static WeightsH5.Contents contents(KerasModel model) {
        ParameterLayout layout = model.layout();
        float[] weights = model.weights();
        List<WeightsH5.Layer> layers = new ArrayList<>();
        List<KerasModelConfig.Dense> dense = KerasModelConfig.layers(model.model(), model.features());
        for (KerasModelConfig.Dense d : dense) {
            VariableSpec kernel = layout.variable(d.name() + "/kernel");
            VariableSpec bias = layout.variable(d.name() + "/bias");
            layers.add(new WeightsH5.Layer(d.name(), d.name(),
                    List.of(slice(weights, kernel), slice(weights, bias))));
        }
        WeightsH5.OptimizerVars optimizer = null;
        if (model.optimizerConfig() != null && model.hasOptimizerState()) {
            optimizer = optimizerVars(model.optimizerConfig(), model.optimizerVariables());
        }
        return new WeightsH5.Contents(layers, optimizer);
    }

    private static KerasTensor slice(float[] weights, VariableSpec v) {
        float[] values = new float[v.size()];
        System.arraycopy(weights, v.offset(), values, 0, values.length);
        return KerasTensor.float32(v.path(), v.shape(), values);
    }

    /** A LossScaleOptimizer's group holds all its variables and, as Keras writes it, its inner optimizer's again. */
    @SuppressWarnings("unchecked")
    private static WeightsH5.OptimizerVars optimizerVars(Map<String, Object> serialized, List<KerasTensor> vars) {
        Map<String, Object> config = (Map<String, Object>) serialized.get("config");
        String name = (String) config.get("name");
        WeightsH5.OptimizerVars inner = null;
        if ("LossScaleOptimizer".equals(serialized.get("class_name"))) {
            Map<String, Object> innerConfig = (Map<String, Object>) ((Map<String, Object>) config.get("inner_optimizer"))
                    .get("config");
            inner = new WeightsH5.OptimizerVars((String) innerConfig.get("name"),
                    vars.subList(LOSS_SCALE_OWN_VARIABLES, vars.size()), null);
        }
        return new WeightsH5.OptimizerVars(name, vars, inner);
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        zip.putNextEntry(storedEntry(name, bytes.length, crc.getValue()));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Uncompressed, as Keras's archives are (and so the weights can be read in place). */
    private static ZipEntry storedEntry(String name, long size, long crc) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTime(315532800000L); // 1980-01-01, as Keras dates its entries: the bytes do not depend on when
        return e;
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a {@code .keras} archive (local path or Hadoop URI): the model its {@code config.json} describes
     * (a Sequential or Functional chain of Dense layers), its weights, and its compiled optimizer with the
     * optimizer's state when the file has it (a model saved before its first training step has none).
     *
     * @throws IllegalArgumentException naming the layer, field or dataset this job cannot represent
     */
    public static KerasModel read(String path, Configuration conf) throws IOException {
        Map<String, Object> config = null;
        Path h5 = Files.createTempFile("spark-adadelta-", ".weights.h5");
        try {
            boolean weights = false;
            try (InputStream in = open(path, conf); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (CONFIG_ENTRY.equals(e.getName())) {
                        config = KerasJson.parse(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                    } else if (WEIGHTS_FILE.equals(e.getName())) {
                        Files.copy(zip, h5, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        weights = true;
                    } else if ("model.weights.json".equals(e.getName())) {
                        throw new IllegalArgumentException(path + ": sharded weights (model.weights.json) are not "
                                + "supported");
                    }
                }
            } catch (java.util.zip.ZipException e) {
                throw new IllegalArgumentException(path + ": not a .keras archive (" + e.getMessage() + ")", e);
            }
            if (config == null || !weights) {
                throw new IllegalArgumentException(path + ": not a Keras 3 .keras archive (no "
                        + (config == null ? CONFIG_ENTRY : WEIGHTS_FILE) + ")");
            }
            KerasModelConfig.Architecture arch = KerasModelConfig.parse(config, path);
            return fromWeights(WeightsH5.read(h5, path), arch.model(), arch.features(), arch.optimizer(), path);
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    /**
     * Reads a {@code .weights.h5} file (as {@code model.save_weights} writes it) for a model described
     * elsewhere: its input width comes from the first kernel's shape. The optimizer state is kept when the
     * file has one and {@code optimizerConfig} (the optimizer to restore it into) is given.
     */
    public static KerasModel readWeights(String path, ModelSpec model, Map<String, Object> optimizerConfig,
            Configuration conf) throws IOException {
        Path h5 = Files.createTempFile("spark-adadelta-", ".weights.h5");
        try {
            try (InputStream in = open(path, conf)) {
                Files.copy(in, h5, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            WeightsH5.Contents contents;
            try {
                contents = WeightsH5.read(h5, path);
            } catch (io.jhdf.exceptions.HdfException e) {
                throw new IllegalArgumentException(path + ": not an HDF5 weights file (" + e.getMessage() + ")", e);
            }
            WeightsH5.Layer first = contents.layer(KerasModelConfig.denseName(0));
            if (first == null || first.vars().isEmpty() || first.vars().get(0).shape().length != 2) {
                throw new IllegalArgumentException(path + ": no layers/dense/vars/0 kernel to take the input width "
                        + "from");
            }
            int features = Math.toIntExact(first.vars().get(0).shape()[0]);
            return fromWeights(contents, model, features, optimizerConfig, path);
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    private static KerasModel fromWeights(WeightsH5.Contents contents, ModelSpec model, int features,
            Map<String, Object> optimizerConfig, String source) {
        ParameterLayout layout = model.build(features).layout();
        float[] weights = new float[layout.size()];
        List<KerasModelConfig.Dense> dense = KerasModelConfig.layers(model, features);
        for (int i = 0; i < dense.size(); i++) {
            KerasModelConfig.Dense d = dense.get(i);
            WeightsH5.Layer layer = contents.layer(d.name());
            if (layer == null || layer.vars().size() != 2) {
                throw new IllegalArgumentException(source + ": layers/" + d.name() + "/vars should hold the kernel "
                        + "and bias of Dense layer " + (i + 1) + ", found "
                        + (layer == null ? "nothing" : layer.vars().size() + " datasets"));
            }
            copy(layer.vars().get(0), layout.variable(d.name() + "/kernel"), weights, source);
            copy(layer.vars().get(1), layout.variable(d.name() + "/bias"), weights, source);
        }
        List<KerasTensor> state = List.of();
        if (optimizerConfig != null && contents.optimizer() != null) {
            List<KerasTensor> saved = contents.optimizer().vars();
            state = saved;
            // An optimizer saved before its first step has only its unbuilt variables (iteration, learning
            // rate): nothing to continue from. (An optimizer this job does not have keeps everything: scoring
            // does not need it, and training refuses it, KerasStart.)
            try {
                Optimizer fresh = OptimizerSerialization.deserialize(optimizerConfig, message -> { });
                if (saved.size() == fresh.optimizerVariables().size()) {
                    state = List.of();
                }
            } catch (IllegalArgumentException e) {
                // kept as is
            }
        }
        return new KerasModel(model, features, weights, optimizerConfig, state, source);
    }

    private static void copy(KerasTensor t, VariableSpec v, float[] weights, String source) {
        if (!"float32".equals(t.dtype())) {
            throw new IllegalArgumentException(source + ": " + t.path() + " (" + v.path() + ") has dtype " + t.dtype()
                    + ": only float32 weights are supported");
        }
        if (!java.util.Arrays.equals(t.shape(), v.shape())) {
            throw new IllegalArgumentException(source + ": " + t.path() + " (" + v.path() + ") has shape "
                    + t.pythonShape() + ", the model needs " + KerasTensor.pythonShape(v.shape()));
        }
        System.arraycopy((float[]) t.values(), 0, weights, v.offset(), v.size());
    }

    private static InputStream open(String path, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new IllegalArgumentException(path + ": no such file");
        }
        return fs.open(p);
    }
}
