package org.sparkadadelta.optim.golden;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.tensor.Precision;

/** One golden trajectory file (schema: ../shared/keras-golden/README.md), with typed accessors. */
public final class GoldenCase {
    public final Path file;
    public final JsonNode root;

    private GoldenCase(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static GoldenCase load(Path file) {
        return new GoldenCase(file, GoldenFiles.read(file));
    }

    public static List<GoldenCase> all() {
        List<GoldenCase> cases = new ArrayList<>();
        for (Path p : GoldenFiles.caseFiles()) {
            cases.add(load(p));
        }
        return cases;
    }

    public String name() {
        return root.path("case").asText(file.getFileName().toString());
    }

    public boolean isLossScaleOptimizer() {
        return "LossScaleOptimizer".equals(root.path("optimizer_class").asText());
    }

    /** The Adadelta config object (the inner one for a loss-scale optimizer). */
    public JsonNode adadeltaConfig() {
        JsonNode c = root.path("config").path("config");
        return isLossScaleOptimizer() ? c.path("inner_optimizer").path("config") : c;
    }

    /** Whether the learning rate is a schedule (a nested object) rather than a float. */
    public boolean hasSchedule() {
        return adadeltaConfig().path("learning_rate").isObject();
    }

    /** True for float64 variables under numpy's promotion (float64 computed in float32), which we do not port. */
    public boolean usesNumpyFloat64Promotion() {
        boolean anyFloat64 = false;
        for (JsonNode v : root.path("variables")) {
            anyFloat64 |= "float64".equals(v.path("dtype").asText());
        }
        anyFloat64 |= "float64".equals(root.path("gradient_dtype").asText());
        return anyFloat64 && !root.path("dtype_promotion").asText().startsWith("tensorflow");
    }

    /**
     * Whether the steps record Keras's clipping input and output: differential runs with norm clipping, on
     * every step where Keras clipped (keras_differential.py).
     */
    public boolean hasClippingRecords() {
        JsonNode cfg = adadeltaConfig();
        return root.has("differential")
                && (cfg.path("clipnorm").asDouble(0) > 0 || cfg.path("global_clipnorm").asDouble(0) > 0);
    }

    public Map<String, Object> serializedConfig() {
        return GoldenFiles.toMap(root.path("config"));
    }

    public List<String> excludedNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode n : root.path("exclude_from_weight_decay").path("var_names")) {
            names.add(n.asText());
        }
        return names;
    }

    public List<Variable> newVariables() {
        List<Variable> vars = new ArrayList<>();
        for (JsonNode v : root.path("variables")) {
            vars.add(new Variable(v.path("name").asText(), v.path("path").asText(),
                    tensor(v.path("initial"), shape(v.path("shape")), Precision.fromKerasName(v.path("dtype").asText()))));
        }
        return vars;
    }

    /** The gradients of a step, in the case's gradient dtype, null where Keras got None. */
    public List<INDArray> gradients(JsonNode step) {
        Precision p = Precision.fromKerasName(root.path("gradient_dtype").asText());
        JsonNode vars = root.path("variables");
        List<INDArray> grads = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            JsonNode g = step.path("grads").get(i);
            grads.add(g == null || g.isNull() ? null : tensor(g, shape(vars.get(i).path("shape")), p));
        }
        return grads;
    }

    public static long[] shape(JsonNode shape) {
        long[] s = new long[shape.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape.get(i).asLong();
        }
        return s;
    }

    public static INDArray tensor(JsonNode flat, long[] shape, Precision p) {
        double[] values = new double[flat.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = GoldenFiles.number(flat.get(i));
        }
        INDArray a;
        if (p == Precision.FLOAT32) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            a = Nd4j.createFromArray(f);
        } else {
            a = Nd4j.createFromArray(values);
        }
        return a.reshape('c', shape);
    }
}
