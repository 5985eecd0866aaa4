package org.sparkadadelta.spark.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.WarningListener;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.apache.hadoop.conf.Configuration;
import org.sparkadadelta.spark.data.DataSpec;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ModelType;
import org.sparkadadelta.spark.train.TrainingOptions;

/**
 * A training job as configured in {@code conf/*.json} plus command-line overrides: Spark settings, data,
 * model, training options, the Keras optimizer (its serialized JSON, pasted verbatim) and the output.
 * Everything is validated here, before Spark starts or anything is written, including a Keras file to start
 * from ({@code model.init_from}, see {@link KerasStart}).
 *
 * @param initFrom the weights and optimizer state to start from, or null for the seeded initialisation
 */
public record JobConfig(
        String name,
        String sparkMaster,
        Map<String, String> sparkConf,
        DataSpec train,
        DataSpec validation,
        DataSpec test,
        int partitions,
        int blockRows,
        ModelSpec model,
        TrainingOptions training,
        double validationSplit,
        Map<Integer, Double> classWeight,
        List<Map<String, Object>> callbacks,
        Map<String, Object> optimizer,
        Adadelta.UpdateKernel updateKernel,
        String outputPath,
        boolean overwrite,
        String checkpointPath,
        long checkpointEverySteps,
        int checkpointKeep,
        KerasModel initFrom) {

    public static JobConfig load(Path file, List<String> overrides) {
        return from(ConfigTree.load(file, overrides));
    }

    public static JobConfig from(ConfigTree root) {
        String name = root.string("name", "spark-adadelta");
        ConfigTree spark = root.section("spark");
        String master = spark.string("master", "local[*]");
        Map<String, String> sparkConf = spark.stringMap("conf");
        spark.requireAllKeysKnown();

        ConfigTree data = root.section("data");
        DataSpec train = dataSpec(data, "train", true);
        DataSpec validation = dataSpec(data, "validation", false);
        DataSpec test = dataSpec(data, "test", false);
        int partitions = data.intAtLeast("partitions", 0, 0);
        int blockRows = data.intAtLeast("block_rows", 4096, 1);
        data.requireAllKeysKnown();

        ConfigTree modelSection = root.section("model");
        String initFrom = modelSection.string("init_from", null);
        boolean initOptimizer = modelSection.bool("init_optimizer", true);
        if (initFrom == null && modelSection.has("init_optimizer")) {
            throw new IllegalArgumentException("Config key 'model.init_optimizer' applies only with model.init_from");
        }
        ModelSpec model = initFrom != null && !modelSection.has("type") && !modelSection.has("hidden")
                && !modelSection.has("classes") ? null : model(modelSection);
        modelSection.requireAllKeysKnown();

        ConfigTree t = root.section("training");
        TrainingOptions defaults = TrainingOptions.DEFAULTS;
        TrainingOptions training = new TrainingOptions(
                t.intAtLeast("epochs", defaults.epochs(), 1),
                t.longAtLeast("batch_size", defaults.batchSize(), 0), // 0 is full batch
                t.integer("shuffle_seed", defaults.shuffleSeed()),
                t.integer("model_seed", defaults.modelSeed()),
                t.intAtLeast("tree_depth", defaults.treeDepth(), 1),
                t.bool("stop_on_divergence", defaults.stopOnDivergence()));
        double validationSplit = t.fraction("validation_split", 0);
        Map<Integer, Double> classWeight = t.classWeights("class_weight");
        Adadelta.UpdateKernel updateKernel = updateKernel(t.string("update_kernel",
                Adadelta.UpdateKernel.TENSOR_OPS.configName()));
        CallbackList callbacks = CallbackList.of(root, t);
        t.requireAllKeysKnown();
        if (validationSplit > 0 && validation != null) {
            throw new IllegalArgumentException("Config keys 'training.validation_split' and 'data.validation' exclude "
                    + "each other (as Keras's fit ignores validation_split given validation_data): remove one");
        }
        if (!classWeight.isEmpty() && train.weightCol() != null) {
            throw new IllegalArgumentException("Config key 'training.class_weight' cannot be used with "
                    + "'data.train.weight_col' (Keras: you cannot `class_weight` and `sample_weight` at the same time)");
        }

        Map<String, Object> optimizer = root.rawObject("optimizer");
        KerasModel initial = null;
        if (initFrom != null) {
            // Read now, so that a file this job cannot continue is refused before Spark starts.
            KerasStart start = KerasStart.resolve(initFrom, initOptimizer, model,
                    optimizer == null ? null : withDefaultNames(optimizer), hadoopConf(sparkConf));
            model = start.model();
            optimizer = start.optimizer();
            initial = start.initial();
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("Config key 'optimizer' is required: paste the JSON of "
                    + "keras.optimizers.serialize(keras.optimizers.Adadelta(...)) there");
        }
        optimizer = withDefaultNames(optimizer);
        // Build once now so that a bad optimizer config fails before Spark starts.
        callbacks.requireSupportedBy(OptimizerSerialization.deserialize(optimizer, message -> { }));

        ConfigTree out = root.section("output");
        String outputPath = out.requiredString("path");
        boolean overwrite = out.bool("overwrite", false);
        out.requireAllKeysKnown();

        ConfigTree ckpt = root.section("checkpoint");
        String checkpointPath = ckpt.string("path", null);
        long every = ckpt.longAtLeast("every_steps", 500, 1);
        int keep = ckpt.intAtLeast("keep", 3, 1);
        ckpt.requireAllKeysKnown();
        root.requireAllKeysKnown();
        CallbackList.Checkpoints checkpoint = callbacks.checkpoints();
        if (checkpoint != null) { // a ModelCheckpoint callback is the checkpoint section in Keras's words
            if (checkpointPath != null) {
                throw new IllegalArgumentException("Config key 'checkpoint.path' and a ModelCheckpoint callback both "
                        + "configure checkpoints: keep one");
            }
            checkpointPath = checkpoint.path();
            every = checkpoint.saveFreq();
            keep = checkpoint.keep();
        }
        return new JobConfig(name, master, sparkConf, train, validation, test, partitions, blockRows, model, training,
                validationSplit, classWeight, callbacks.others(), optimizer, updateKernel, outputPath, overwrite,
                checkpointPath, every, keep, initial);
    }

    /** The Hadoop settings Spark will have ({@code spark.hadoop.*} of the config), for reading files before it starts. */
    private static Configuration hadoopConf(Map<String, String> sparkConf) {
        Configuration conf = new Configuration();
        sparkConf.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        return conf;
    }

    /** A fresh optimizer from the configured Keras JSON, its Adadelta update on the configured kernel. */
    public Optimizer newOptimizer(WarningListener warnings) {
        return updateKernel.whileCreating(() -> OptimizerSerialization.deserialize(optimizer, warnings));
    }

    /** {@code training.update_kernel}: how Adadelta's update runs on the driver; both give the same bits. */
    private static Adadelta.UpdateKernel updateKernel(String name) {
        try {
            return Adadelta.UpdateKernel.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Config key 'training.update_kernel': expected \"tensor_ops\" or "
                    + "\"fused\", got \"" + name + "\"");
        }
    }

    /**
     * Gives an unnamed optimizer (and an unnamed inner one) Keras's default name, {@code adadelta} for
     * {@code Adadelta}: Keras would number automatic names per process ({@code adadelta_1}, ...), which
     * would make a job's outputs depend on what else ran in the JVM.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withDefaultNames(Map<String, Object> serialized) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(serialized);
        if (copy.get("config") instanceof Map<?, ?> c && copy.get("class_name") instanceof String cls) {
            Map<String, Object> config = new java.util.LinkedHashMap<>((Map<String, Object>) c);
            config.putIfAbsent("name", cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT));
            if (config.get("inner_optimizer") instanceof Map<?, ?> inner) {
                config.put("inner_optimizer", withDefaultNames((Map<String, Object>) inner));
            }
            copy.put("config", config);
        }
        return copy;
    }

    /**
     * The model section. Keys that the chosen type would ignore are errors: {@code hidden} belongs to an mlp
     * only, and {@code classes} to the classifiers ({@code softmax}, {@code mlp}).
     */
    private static ModelSpec model(ConfigTree m) {
        ModelSpec spec = new ModelSpec(m.requiredString("type"), m.intArray("hidden", new int[0]),
                m.intAtLeast("classes", 0, 0));
        m.requireAllKeysKnown();
        ModelType type = spec.type();
        int[] hidden = spec.hidden();
        int classes = spec.classes();
        if (hidden.length > 0 && !type.takesHidden()) {
            throw new IllegalArgumentException("Config key 'model.hidden' applies only to model.type mlp; a " + type
                    + " model has no hidden layers (got " + Arrays.toString(hidden) + "): remove it or use mlp");
        }
        if (classes > 0 && !type.takesClasses()) {
            throw new IllegalArgumentException("Config key 'model.classes' applies only to model.type softmax or mlp;"
                    + " a " + type + " model has " + (type == ModelType.LINEAR ? "one output" : "two classes, 0 and 1")
                    + " (got " + classes + "): remove it");
        }
        return spec;
    }

    /** The data spec at {@code data.name}, read like a config's {@code data.train}; null if absent and optional. */
    static DataSpec dataSpec(ConfigTree data, String name, boolean required) {
        if (!data.has(name)) {
            if (required) {
                throw new IllegalArgumentException("Config key 'data." + name + "' is required");
            }
            return null;
        }
        ConfigTree s = data.section(name);
        String format = s.requiredString("format");
        DataSpec spec = DataSpec.of(format, s.requiredString("path"));
        if (s.has("features_col")) {
            spec = spec.withFeaturesCol(s.string("features_col", null));
        }
        if (s.has("feature_cols")) {
            spec = spec.withFeatureCols(Arrays.asList(s.stringArray("feature_cols")));
        }
        if (s.has("label_col")) {
            spec = spec.withLabelCol(s.string("label_col", null));
        }
        if (s.has("weight_col")) {
            spec = spec.withWeightCol(s.string("weight_col", null));
        }
        if (s.has("num_features")) {
            spec = spec.withNumFeatures(s.intAtLeast("num_features", 0, 0));
        }
        spec = spec.withOptions(s.stringMap("options"));
        s.requireAllKeysKnown();
        return spec;
    }
}
