package org.sparkadadelta.spark.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ModelType;

/**
 * Keras's {@code config.json} for this job's models: written as Keras 3 writes a {@code Sequential} of an
 * {@code InputLayer} and {@code Dense} layers (with {@code compile_config}), and read back from a
 * {@code Sequential} or a {@code Functional} chain of {@code Dense} layers, refusing anything this job cannot
 * train with a message naming the layer and the field.
 *
 * <p>The job's models as Keras layers: {@code linear} = {@code Dense(1)} with {@code mean_squared_error},
 * {@code logistic} = {@code Dense(1, sigmoid)} with {@code binary_crossentropy}, {@code softmax} =
 * {@code Dense(classes, softmax)} and {@code mlp} = {@code Dense(h, relu)...} then {@code Dense(classes,
 * softmax)}, both with {@code sparse_categorical_crossentropy}.
 */
public final class KerasModelConfig {
    private static final Set<String> ACTIVATIONS = Set.of("relu", "softmax", "sigmoid", "linear");
    /** Dense config keys that must be null (absent is fine): anything else changes the loss or the update. */
    private static final List<String> MUST_BE_NULL = List.of("kernel_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "bias_constraint", "quantization_config", "lora_rank");

    private KerasModelConfig() {
    }

    /** One Dense layer of a model: Keras's name, input width, units and activation. */
    public record Dense(String name, int inputs, int units, String activation) {
    }

    /** The Dense layers that make up {@code model} on {@code features} inputs, named as Keras names them. */
    public static List<Dense> layers(ModelSpec model, int features) {
        List<Dense> layers = new ArrayList<>();
        int inputs = features;
        for (int units : model.type() == ModelType.MLP ? model.hidden() : new int[0]) {
            layers.add(new Dense(denseName(layers.size()), inputs, units, "relu"));
            inputs = units;
        }
        switch (model.type()) {
            case LINEAR -> layers.add(new Dense(denseName(layers.size()), inputs, 1, "linear"));
            case LOGISTIC -> layers.add(new Dense(denseName(layers.size()), inputs, 1, "sigmoid"));
            default -> layers.add(new Dense(denseName(layers.size()), inputs, model.classes(), "softmax"));
        }
        return layers;
    }

    /** Keras's automatic names: {@code dense}, {@code dense_1}, ...; also its saver's H5 group names. */
    static String denseName(int index) {
        return index == 0 ? "dense" : "dense_" + index;
    }

    /** Keras's loss name for a model type. */
    public static String loss(ModelSpec model) {
        return switch (model.type()) {
            case LINEAR -> "mean_squared_error";
            case LOGISTIC -> "binary_crossentropy";
            default -> "sparse_categorical_crossentropy";
        };
    }

    private static String metric(ModelSpec model) {
        return model.type() == ModelType.LINEAR ? "root_mean_squared_error" : "accuracy";
    }

    // ------------------------------------------------------------------ writing

    /**
     * {@code config.json} as Keras 3.15 writes it for the model, compiled with {@code optimizer} (the output
     * of {@code keras.optimizers.serialize}; null: no compile_config) and the model type's loss and metric.
     */
    public static Map<String, Object> sequential(ModelSpec model, int features, Map<String, Object> optimizer) {
        List<Object> layers = new ArrayList<>();
        layers.add(object("module", "keras.layers", "class_name", "InputLayer",
                "config", object("batch_shape", batchShape(features), "dtype", "float32", "sparse", false,
                        "ragged", false, "name", "input_layer", "optional", false),
                "registered_name", null));
        for (Dense d : layers(model, features)) {
            Map<String, Object> config = object("name", d.name(), "trainable", true, "dtype", float32Policy(),
                    "units", d.units(), "activation", d.activation(), "use_bias", true,
                    "kernel_initializer", object("module", "keras.initializers", "class_name", "GlorotUniform",
                            "config", object("seed", null, "input_axes", null, "output_axes", null),
                            "registered_name", null),
                    "bias_initializer", object("module", "keras.initializers", "class_name", "Zeros",
                            "config", object(), "registered_name", null),
                    "kernel_regularizer", null, "bias_regularizer", null, "kernel_constraint", null,
                    "bias_constraint", null, "quantization_config", null);
            layers.add(object("module", "keras.layers", "class_name", "Dense", "config", config,
                    "registered_name", null, "build_config", object("input_shape", batchShape(d.inputs()))));
        }
        Map<String, Object> root = object("module", "keras", "class_name", "Sequential",
                "config", object("name", "sequential", "trainable", true, "dtype", float32Policy(),
                        "layers", layers, "build_input_shape", batchShape(features)),
                "registered_name", null,
                "build_config", object("input_shape", batchShape(features)));
        if (optimizer != null) {
            root.put("compile_config", object("optimizer", optimizer, "loss", loss(model), "loss_weights", null,
                    "metrics", List.of(metric(model)), "weighted_metrics", null, "run_eagerly", false,
                    "steps_per_execution", 1, "jit_compile", false));
        }
        return root;
    }

    private static Map<String, Object> float32Policy() {
        return object("module", "keras", "class_name", "DTypePolicy", "config", object("name", "float32"),
                "registered_name", null);
    }

    private static List<Object> batchShape(int width) {
        return Arrays.asList(null, width);
    }

    /** A JSON object with keys in the given order (values may be null). */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ reading

    /**
     * What a Keras model config describes, as this job's model.
     *
     * @param model      the model type, hidden widths and classes
     * @param features   the input width
     * @param layerNames the Dense layers' own names, in order
     * @param optimizer  the compile_config's optimizer (as {@code keras.optimizers.serialize} gives it), or null
     */
    public record Architecture(ModelSpec model, int features, List<String> layerNames, Map<String, Object> optimizer) {
    }

    /**
     * Reads a {@code config.json}.
     *
     * @param source for messages, e.g. the archive's path
     * @throws IllegalArgumentException naming the first layer or field this job cannot represent
     */
    public static Architecture parse(Map<String, Object> config, String source) {
        String cls = string(config.get("class_name"));
        Map<String, Object> body = map(config.get("config"));
        if (body == null) {
            throw refuse(source, "config.json has no model config");
        }
        requireFloat32(body.get("dtype"), source, "the model");
        List<Map<String, Object>> dense;
        Integer features;
        if ("Sequential".equals(cls)) {
            List<Map<String, Object>> layers = mapList(body.get("layers"), source, "config.layers");
            dense = new ArrayList<>();
            features = null;
            for (int i = 0; i < layers.size(); i++) {
                Map<String, Object> layer = layers.get(i);
                if (i == 0 && "InputLayer".equals(layer.get("class_name"))) {
                    features = inputWidth(layer, source);
                } else {
                    dense.add(requireDense(layer, source));
                }
            }
            if (features == null) {
                features = width(firstNonNull(body.get("build_input_shape"), buildShape(config),
                        dense.isEmpty() ? null : buildShape(dense.get(0))));
            }
        } else if ("Functional".equals(cls) || "Model".equals(cls)) {
            ChainOfLayers chain = functionalChain(body, source);
            dense = chain.dense();
            features = chain.features();
        } else {
            throw refuse(source, "the model is a " + cls + ": only a Sequential or a Functional chain of Dense "
                    + "layers is supported");
        }
        if (dense.isEmpty()) {
            throw refuse(source, "the model has no Dense layer");
        }
        if (features == null) {
            throw refuse(source, "the model's input width is not in its config (no InputLayer or build_config)");
        }
        ModelSpec model = spec(dense, features, source);
        List<String> names = dense.stream().map(d -> string(map(d.get("config")).get("name"))).toList();
        Map<String, Object> compile = map(config.get("compile_config"));
        Map<String, Object> optimizer = null;
        if (compile != null) {
            requireLoss(compile.get("loss"), model, source);
            Object opt = compile.get("optimizer");
            if (opt != null && !(opt instanceof Map)) {
                throw refuse(source, "compile_config.optimizer is " + opt + ", not a serialized optimizer");
            }
            optimizer = map(opt);
        }
        return new Architecture(model, features, names, optimizer);
    }

    private record ChainOfLayers(List<Map<String, Object>> dense, Integer features) {
    }

    /** A Functional model whose layers form one chain from its single input to its single output. */
    private static ChainOfLayers functionalChain(Map<String, Object> body, String source) {
        List<Map<String, Object>> layers = mapList(body.get("layers"), source, "config.layers");
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Map<String, Object> l : layers) {
            byName.put(string(l.get("name")), l);
        }
        String input = endpoint(body.get("input_layers"), source, "input_layers");
        String output = endpoint(body.get("output_layers"), source, "output_layers");
        List<Map<String, Object>> chain = new ArrayList<>();
        String at = output;
        while (!at.equals(input)) {
            Map<String, Object> layer = byName.get(at);
            if (layer == null) {
                throw refuse(source, "the Functional model has no layer '" + at + "'");
            }
            if (chain.size() > layers.size()) {
                throw refuse(source, "the Functional model's layers form a cycle");
            }
            chain.add(0, requireDense(layer, source));
            at = singleInbound(layer, source);
        }
        if (chain.size() + 1 != layers.size()) {
            throw refuse(source, "the Functional model is not a single chain from its input to its output: it has "
                    + layers.size() + " layers, the chain " + (chain.size() + 1));
        }
        Map<String, Object> in = byName.get(input);
        if (in == null || !"InputLayer".equals(in.get("class_name"))) {
            throw refuse(source, "the Functional model's input '" + input + "' is not an InputLayer");
        }
        return new ChainOfLayers(chain, inputWidth(in, source));
    }

    /** {@code ["name", 0, 0]} or {@code [["name", 0, 0]]}: one endpoint. */
    private static String endpoint(Object value, String source, String key) {
        if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
            return s;
        }
        if (value instanceof List<?> l && l.size() == 1 && l.get(0) instanceof List<?> one && !one.isEmpty()
                && one.get(0) instanceof String s) {
            return s;
        }
        throw refuse(source, "the Functional model's " + key + " is " + value + ": only one input and one output "
                + "are supported");
    }

    private static String singleInbound(Map<String, Object> layer, String source) {
        String name = string(layer.get("name"));
        List<?> nodes = layer.get("inbound_nodes") instanceof List<?> l ? l : List.of();
        if (nodes.size() == 1 && nodes.get(0) instanceof Map<?, ?> node && node.get("args") instanceof List<?> args
                && args.size() == 1 && args.get(0) instanceof Map<?, ?> tensor
                && tensor.get("config") instanceof Map<?, ?> tc && tc.get("keras_history") instanceof List<?> h
                && !h.isEmpty() && h.get(0) instanceof String previous
                && (!(node.get("kwargs") instanceof Map<?, ?> kw) || kw.isEmpty())) {
            return previous;
        }
        throw refuse(source, "layer '" + name + "' is called " + nodes.size() + " times or on several inputs: "
                + "only a linear chain of Dense layers is supported");
    }

    private static Map<String, Object> requireDense(Map<String, Object> layer, String source) {
        String cls = string(layer.get("class_name"));
        Map<String, Object> c = map(layer.get("config"));
        String name = c == null ? "?" : string(c.get("name"));
        if (!"Dense".equals(cls)) {
            throw refuse(source, "layer '" + name + "' is a " + cls + ": only Dense layers (after an InputLayer) "
                    + "are supported");
        }
        Object activation = c.get("activation");
        if (!(activation instanceof String a) || !ACTIVATIONS.contains(a)) {
            throw refuse(source, "layer '" + name + "' has activation " + describe(activation)
                    + ": only relu, softmax, sigmoid and linear are supported");
        }
        if (!Boolean.TRUE.equals(c.getOrDefault("use_bias", Boolean.TRUE))) {
            throw refuse(source, "layer '" + name + "' has use_bias=false: only Dense layers with a bias are "
                    + "supported");
        }
        if (!Boolean.TRUE.equals(c.getOrDefault("trainable", Boolean.TRUE))) {
            throw refuse(source, "layer '" + name + "' has trainable=false: every layer is trained here");
        }
        for (String key : MUST_BE_NULL) {
            if (c.get(key) != null) {
                throw refuse(source, "layer '" + name + "' has " + key + "=" + describe(c.get(key))
                        + ": not supported (only null)");
            }
        }
        requireFloat32(c.get("dtype"), source, "layer '" + name + "'");
        if (!(c.get("units") instanceof Number units) || units.intValue() < 1) {
            throw refuse(source, "layer '" + name + "' has units=" + c.get("units"));
        }
        return layer;
    }

    private static void requireFloat32(Object dtype, String source, String what) {
        String name = null;
        if (dtype == null) {
            return;
        } else if (dtype instanceof String s) {
            name = s;
        } else if (dtype instanceof Map<?, ?> m && "DTypePolicy".equals(m.get("class_name"))
                && m.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String s) {
            name = s;
        }
        if (!"float32".equals(name)) {
            throw refuse(source, what + " has dtype " + (name != null ? name : describe(dtype))
                    + ": only float32 is supported");
        }
    }

    private static int inputWidth(Map<String, Object> inputLayer, String source) {
        Map<String, Object> c = map(inputLayer.get("config"));
        requireFloat32(c.get("dtype"), source, "the InputLayer");
        if (Boolean.TRUE.equals(c.get("sparse")) || Boolean.TRUE.equals(c.get("ragged"))) {
            throw refuse(source, "the InputLayer is sparse or ragged: only dense inputs are supported");
        }
        Integer width = width(firstNonNull(c.get("batch_shape"), c.get("batch_input_shape")));
        if (width == null) {
            throw refuse(source, "the InputLayer's shape is " + c.get("batch_shape") + ": only (None, features) "
                    + "inputs are supported");
        }
        return width;
    }

    /** {@code [null, n]} → n; anything else (images, sequences, unknown width) → null. */
    private static Integer width(Object shape) {
        if (shape instanceof List<?> l && l.size() == 2 && l.get(0) == null && l.get(1) instanceof Number n) {
            return n.intValue();
        }
        return null;
    }

    private static Object buildShape(Map<String, Object> layerOrModel) {
        Map<String, Object> b = map(layerOrModel.get("build_config"));
        return b == null ? null : b.get("input_shape");
    }

    private static Object firstNonNull(Object... values) {
        for (Object v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static ModelSpec spec(List<Map<String, Object>> dense, int features, String source) {
        int n = dense.size();
        int[] hidden = new int[n - 1];
        for (int i = 0; i < n; i++) {
            Map<String, Object> c = map(dense.get(i).get("config"));
            int units = ((Number) c.get("units")).intValue();
            String activation = (String) c.get("activation");
            String name = string(c.get("name"));
            if (i < n - 1) {
                if (!"relu".equals(activation)) {
                    throw refuse(source, "hidden layer '" + name + "' has activation " + activation
                            + ": hidden layers must use relu");
                }
                hidden[i] = units;
                continue;
            }
            switch (activation) {
                case "softmax":
                    if (units < 2) {
                        throw refuse(source, "output layer '" + name + "' is a softmax over " + units
                                + " unit: at least 2 classes are needed");
                    }
                    return n == 1 ? new ModelSpec("softmax", null, units) : new ModelSpec("mlp", hidden, units);
                case "sigmoid":
                case "linear":
                    if (n > 1) {
                        throw refuse(source, "output layer '" + name + "' has activation " + activation
                                + " after hidden layers: a model with hidden layers must end in softmax");
                    }
                    if (units != 1) {
                        throw refuse(source, "output layer '" + name + "' has activation " + activation + " on "
                                + units + " units: only 1 unit is supported ("
                                + ("sigmoid".equals(activation) ? "binary logistic regression" : "linear regression")
                                + ")");
                    }
                    return new ModelSpec("sigmoid".equals(activation) ? "logistic" : "linear", null, 0);
                default:
                    throw refuse(source, "output layer '" + name + "' has activation " + activation
                            + ": the output must be softmax, sigmoid or linear");
            }
        }
        throw new AssertionError("unreachable");
    }

    /** The Keras losses this job trains with, by name, class name and common alias. */
    private static void requireLoss(Object loss, ModelSpec model, String source) {
        if (loss == null) {
            return;
        }
        String expected = loss(model);
        String name = null;
        if (loss instanceof String s) {
            name = "mse".equals(s) ? "mean_squared_error" : s;
        } else if (loss instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
            Map<?, ?> c = m.get("config") instanceof Map<?, ?> cm ? cm : Map.of();
            if (Boolean.TRUE.equals(c.get("from_logits")) || c.get("ignore_class") != null
                    || (c.get("label_smoothing") instanceof Number ls && ls.doubleValue() != 0)
                    || (c.get("reduction") != null && !"sum_over_batch_size".equals(c.get("reduction")))) {
                throw refuse(source, "compile_config.loss " + describe(loss) + " is not supported: only the "
                        + "default arguments (from_logits=False, reduction='sum_over_batch_size')");
            }
            name = cls.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        }
        if (!expected.equals(name)) {
            throw refuse(source, "compile_config.loss is " + describe(loss) + ": a " + model.type()
                    + " model here trains with " + expected);
        }
    }

    private static IllegalArgumentException refuse(String source, String message) {
        return new IllegalArgumentException(source + ": " + message);
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Map<?, ?> m && m.get("class_name") != null) {
            return String.valueOf(m.get("class_name")) + (m.get("config") instanceof String s ? "(" + s + ")" : "");
        }
        return String.valueOf(value);
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> mapList(Object value, String source, String key) {
        if (!(value instanceof List<?> l) || !l.stream().allMatch(Map.class::isInstance)) {
            throw refuse(source, key + " is not a list of layers");
        }
        return (List<Map<String, Object>>) value;
    }
}
