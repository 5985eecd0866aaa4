package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sparkadadelta.optim.python.PythonRepr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.tensor.Nd4jTensorMath;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras 3's dynamic {@code LossScaleOptimizer}: the loss is multiplied by a scale ({@link #scaleLoss}),
 * so the gradients arrive scaled. A step whose gradients are all finite is unscaled and applied by the
 * inner optimizer, and after {@code dynamicGrowthSteps} such steps in a row the scale doubles. A step with
 * any NaN or infinity is skipped entirely (the inner optimizer does not even count it) and halves the scale.
 *
 * <p>Its own state comes first in {@link #optimizerVariables()}: an unused {@code iteration} and
 * {@code learning_rate} (Keras keeps them), {@code step_counter}, {@code dynamic_scale}; then the inner
 * optimizer's. Iterations and the learning rate are the inner optimizer's.
 */
public final class LossScaleOptimizer implements Optimizer {
    public static final double DEFAULT_INITIAL_SCALE = 32768.0;
    public static final int DEFAULT_DYNAMIC_GROWTH_STEPS = 2000;

    private final BaseOptimizer inner;
    private final String name;
    private final double initialScale;
    private final int dynamicGrowthSteps;
    private final TensorMath math;
    private final Scratch scratch;
    private final List<OptimizerVariable> own = new ArrayList<>();
    private Variable stepCounter;
    private Variable dynamicScale;

    public LossScaleOptimizer(BaseOptimizer inner) {
        this(inner, DEFAULT_INITIAL_SCALE, DEFAULT_DYNAMIC_GROWTH_STEPS, null);
    }

    public LossScaleOptimizer(BaseOptimizer inner, double initialScale, int dynamicGrowthSteps, String name) {
        this(inner, initialScale, dynamicGrowthSteps, name, Nd4jTensorMath.INSTANCE);
    }

    public LossScaleOptimizer(BaseOptimizer inner, double initialScale, int dynamicGrowthSteps, String name,
            TensorMath math) {
        if (inner.isBuilt()) {
            throw new IllegalArgumentException("The inner optimizer '" + inner.name() + "' is already built: "
                    + "wrap it before its first apply()");
        }
        this.name = name != null ? name : KerasNames.unique("loss_scale_optimizer");
        inner.clearLossScaleFactor();
        this.inner = inner;
        this.initialScale = initialScale;
        this.dynamicGrowthSteps = dynamicGrowthSteps;
        this.math = math;
        this.scratch = new Scratch(math);
        own.add(new OptimizerVariable(new Variable("iteration", this.name + "/iteration",
                Nd4j.scalar(DataType.INT, 0)), "iteration", null));
        own.add(new OptimizerVariable(new Variable("learning_rate", this.name + "/learning_rate",
                Nd4j.scalar(DataType.FLOAT, 0f)), "learning_rate", null));
    }

    /**
     * Keras's {@code LossScaleOptimizer.from_config}: {@code inner_optimizer} (serialized), {@code initial_scale},
     * {@code dynamic_growth_steps}, {@code name}. Keras still accepts the shared optimizer arguments at their
     * default values for old configs, and rejects {@code dynamic=False} and any other value with its messages.
     */
    @SuppressWarnings("unchecked")
    public static LossScaleOptimizer fromConfig(Map<String, ?> config, WarningListener warnings) {
        KerasArguments args = new KerasArguments(config);
        Object innerConfig = args.pop("inner_optimizer");
        double initialScale = args.popDouble("initial_scale", DEFAULT_INITIAL_SCALE);
        Integer growth = args.popNullableInteger("dynamic_growth_steps");
        String name = args.popName();
        if (args.has("dynamic") && Boolean.FALSE.equals(args.pop("dynamic"))) {
            throw new IllegalArgumentException("LossScaleOptimizer no longer supports `dynamic=False`. Instead, "
                    + "simply set `loss_scale_factor` directly on the `inner_optimizer`.");
        }
        for (Map.Entry<String, Object> e : BASE_DEFAULTS.entrySet()) {
            if (args.has(e.getKey()) && !Objects.equals(normalize(args.pop(e.getKey())), e.getValue())) {
                throw new IllegalArgumentException("LossScaleOptimizer does not support `" + e.getKey() + "`. "
                        + "Instead, set `" + e.getKey() + "` on the `inner_optimizer`.");
            }
        }
        args.rejectLeftovers(keys -> "LossScaleOptimizer does not support arguments: `"
                + String.join("`, `", keys) + "`.");
        if (!(innerConfig instanceof Map)) {
            throw new IllegalArgumentException("LossScaleOptimizer config needs an `inner_optimizer` object; got "
                    + PythonRepr.repr(innerConfig));
        }
        Optimizer inner = OptimizerRegistry.deserialize((Map<String, Object>) innerConfig, warnings);
        if (!(inner instanceof BaseOptimizer base)) {
            throw new IllegalArgumentException("LossScaleOptimizer cannot wrap another " + inner.kerasClassName());
        }
        return new LossScaleOptimizer(base, initialScale,
                growth == null ? DEFAULT_DYNAMIC_GROWTH_STEPS : growth, name);
    }

    /** The shared optimizer arguments Keras tolerates here, with the only value it accepts for each. */
    private static final Map<String, Object> BASE_DEFAULTS = baseDefaults();

    private static Map<String, Object> baseDefaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue")) {
            m.put(key, null);
        }
        m.put("use_ema", Boolean.FALSE);
        m.put("ema_momentum", OptimizerOptions.DEFAULT_EMA_MOMENTUM);
        m.put("ema_overwrite_frequency", null);
        m.put("loss_scale_factor", null);
        m.put("gradient_accumulation_steps", null);
        return m;
    }

    /** Python compares 0.99 == 0.99 regardless of int/float boxing; so do we. */
    private static Object normalize(Object v) {
        return v instanceof Number n && !(v instanceof Double) ? (Object) n.doubleValue() : v;
    }

    public BaseOptimizer innerOptimizer() {
        return inner;
    }

    public int dynamicGrowthSteps() {
        return dynamicGrowthSteps;
    }

    /** The current loss scale ({@code initialScale} before the build). */
    public double dynamicScale() {
        return dynamicScale == null ? initialScale : dynamicScale.value().getDouble(0);
    }

    /** Finite steps since the scale last changed. */
    public long stepCounter() {
        return stepCounter == null ? 0 : stepCounter.value().getLong(0);
    }

    /** {@code loss * scale}: what to differentiate so that the gradients arrive scaled. */
    public double scaleLoss(double loss) {
        return loss * lossScale();
    }

    /** {@link #dynamicScale()}, as Keras's {@code scale_loss} uses it (the initial scale before the build). */
    @Override
    public double lossScale() {
        return dynamicScale();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kerasClassName() {
        return "LossScaleOptimizer";
    }

    @Override
    public boolean isBuilt() {
        return stepCounter != null;
    }

    @Override
    public void build(List<Variable> variables) {
        if (isBuilt()) {
            throw new IllegalStateException("Optimizer '" + name + "' is already built");
        }
        stepCounter = new Variable("step_counter", name + "/step_counter", Nd4j.scalar(DataType.INT, 0));
        dynamicScale = new Variable("dynamic_scale", name + "/dynamic_scale",
                Nd4j.scalar(DataType.FLOAT, (float) initialScale));
        own.add(new OptimizerVariable(stepCounter, "step_counter", null));
        own.add(new OptimizerVariable(dynamicScale, "dynamic_scale", null));
        inner.build(variables, name + "/" + inner.name());
    }

    @Override
    public void apply(List<INDArray> grads) {
        apply(grads, null);
    }

    @Override
    public void apply(List<INDArray> grads, List<Variable> variables) {
        if (!isBuilt()) {
            if (variables == null) {
                inner.apply(grads, null); // raises Keras's "must already be built" error
            }
            build(variables);
        }
        if (allFinite(grads)) {
            double scale = dynamicScale();
            // Unscaled into this optimizer's own arrays: the caller's gradients stay untouched.
            List<Variable> vars = variables != null ? variables : inner.trainableVariables();
            inner.apply(scratch.divided(grads, vars, scale), variables);
            if (stepCounter() == dynamicGrowthSteps - 1) {
                stepCounter.value().assign(0);
                dynamicScale.value().assign((float) (scale * 2.0));
            } else {
                stepCounter.value().assign(stepCounter() + 1);
            }
        } else {
            stepCounter.value().assign(0);
            dynamicScale.value().assign((float) (dynamicScale() / 2.0));
        }
    }

    private boolean allFinite(List<INDArray> grads) {
        for (INDArray g : grads) {
            if (g != null && !math.allFinite(g)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void finalizeVariableValues(List<Variable> variables) {
        inner.finalizeVariableValues(variables);
    }

    @Override
    public long iterations() {
        return inner.iterations();
    }

    @Override
    public long rawIterations() {
        return inner.rawIterations();
    }

    @Override
    public double learningRateValue() {
        return inner.learningRateValue();
    }

    @Override
    public LearningRate learningRate() {
        return inner.learningRate();
    }

    @Override
    public void setLearningRate(LearningRate learningRate) {
        inner.setLearningRate(learningRate);
    }

    @Override
    public List<Variable> trainableVariables() {
        return inner.trainableVariables();
    }

    @Override
    public List<OptimizerVariable> optimizerVariables() {
        List<OptimizerVariable> all = new ArrayList<>(own);
        all.addAll(inner.optimizerVariables());
        return all;
    }

    @Override
    public void setWarningListener(WarningListener listener) {
        inner.setWarningListener(listener);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("inner_optimizer", inner);
        c.put("initial_scale", initialScale);
        c.put("dynamic_growth_steps", (long) dynamicGrowthSteps);
        return c;
    }
}
