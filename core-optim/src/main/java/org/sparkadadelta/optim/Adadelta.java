package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.FusedAdadeltaUpdate;
import org.sparkadadelta.optim.tensor.FusedStages;
import org.sparkadadelta.optim.tensor.Nd4jTensorMath;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras 3's {@code keras.optimizers.Adadelta}: per variable, running averages of squared gradients
 * ({@code accumulated_grad}) and of squared updates ({@code accumulated_delta_var}).
 *
 * <pre>
 *   Eg    = rho*Eg + (1-rho)*g²
 *   delta = -(sqrt(Edx + eps) * g) / sqrt(Eg + eps)
 *   Edx   = rho*Edx + (1-rho)*delta²
 *   v     = v + lr*delta
 * </pre>
 * {@code 1 - rho} is computed in double before rounding (Keras subtracts two Python floats), and the
 * learning rate scales the step only after {@code Edx} has been updated, so only {@code lr = 1} is the
 * paper's algorithm. Everything else is {@link BaseOptimizer}'s.
 */
public final class Adadelta extends BaseOptimizer {
    public static final double DEFAULT_LEARNING_RATE = 0.001;
    public static final double DEFAULT_RHO = 0.95;
    public static final double DEFAULT_EPSILON = 1e-7;

    /**
     * How the update rule runs; both give the same bits. {@code -Dspark-adadelta.adadelta.kernel=fused}
     * changes the default (for running the parity suites on the fused loop), and so does
     * {@link #whileCreating} for the optimizers one caller creates (e.g. from a job's config).
     */
    public enum UpdateKernel {
        /** A dozen in-place {@link TensorMath} ops (ND4J's native kernels by default). */
        TENSOR_OPS,
        /**
         * One Java loop over the variable's and slots' off-heap memory ({@link FusedAdadeltaUpdate}). For float32
         * variables the accumulation average, clipping, weight decay and EMA run inside it ({@link FusedStages});
         * otherwise they run as single loops of their own ({@link org.sparkadadelta.optim.tensor.FusedLoops}).
         */
        FUSED;

        private static final ThreadLocal<UpdateKernel> CREATING = new ThreadLocal<>();

        static UpdateKernel defaultKernel() {
            UpdateKernel chosen = CREATING.get();
            if (chosen != null) {
                return chosen;
            }
            return "fused".equals(System.getProperty("spark-adadelta.adadelta.kernel")) ? FUSED : TENSOR_OPS;
        }

        /**
         * Runs {@code create} with this kernel as the default of every {@code Adadelta} it makes on this thread,
         * including one inside a {@link LossScaleOptimizer} rebuilt from its Keras config, where no builder is
         * at hand.
         */
        public <T> T whileCreating(java.util.function.Supplier<T> create) {
            UpdateKernel outer = CREATING.get();
            CREATING.set(this);
            try {
                return create.get();
            } finally {
                CREATING.set(outer);
            }
        }

        /** The name a job config uses: {@code tensor_ops} or {@code fused}. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kernel of a {@link #configName()}, in any case. */
        public static UpdateKernel named(String name) {
            for (UpdateKernel k : values()) {
                if (k.name().equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("Unknown update kernel '" + name + "' (expected tensor_ops or fused)");
        }
    }

    private final double rho;
    private final double epsilon;
    private final UpdateKernel kernel;
    private final FusedAdadeltaUpdate fused = new FusedAdadeltaUpdate();
    private final List<Variable> accumulatedGrads = new ArrayList<>();
    private final List<Variable> accumulatedDeltas = new ArrayList<>();

    public Adadelta() {
        this(builder().baseOptions(), DEFAULT_RHO, DEFAULT_EPSILON, Nd4jTensorMath.INSTANCE);
    }

    public Adadelta(double learningRate) {
        this(builder().learningRate(learningRate).baseOptions(), DEFAULT_RHO, DEFAULT_EPSILON,
                Nd4jTensorMath.INSTANCE);
    }

    public Adadelta(OptimizerOptions options, double rho, double epsilon, TensorMath math) {
        this(options, rho, epsilon, math, UpdateKernel.defaultKernel());
    }

    public Adadelta(OptimizerOptions options, double rho, double epsilon, TensorMath math, UpdateKernel kernel) {
        super(options, "adadelta", math, kernel == UpdateKernel.FUSED);
        this.rho = rho;
        this.epsilon = epsilon;
        this.kernel = kernel;
    }

    /**
     * Keras's {@code Adadelta.from_config}: the keyword arguments of {@code Adadelta(...)} as a map (for
     * example a parsed config JSON's {@code config} object), validated with Keras's messages.
     */
    public static Adadelta fromConfig(Map<String, ?> config, WarningListener warnings) {
        KerasArguments args = new KerasArguments(config);
        double rho = args.popDouble("rho", DEFAULT_RHO);
        double epsilon = args.popDouble("epsilon", DEFAULT_EPSILON);
        return new Adadelta(args.popBaseOptions(DEFAULT_LEARNING_RATE, warnings), rho, epsilon,
                Nd4jTensorMath.INSTANCE);
    }

    public static Builder builder() {
        return new Builder();
    }

    public double rho() {
        return rho;
    }

    public double epsilon() {
        return epsilon;
    }

    public UpdateKernel updateKernel() {
        return kernel;
    }

    @Override
    public String kerasClassName() {
        return "Adadelta";
    }

    @Override
    protected void createSlots(List<Variable> variables) {
        for (Variable v : variables) {
            accumulatedGrads.add(addSlot(v, "accumulated_grad"));
            accumulatedDeltas.add(addSlot(v, "accumulated_delta_var"));
        }
    }

    @Override
    protected boolean fusesStages(INDArray gradient, Variable variable) {
        int i = indexOf(variable);
        return kernel == UpdateKernel.FUSED && gradient.dataType() == variable.value().dataType()
                && FusedAdadeltaUpdate.supports(gradient, accumulatedGrads.get(i).value(),
                        accumulatedDeltas.get(i).value(), variable.value());
    }

    @Override
    protected void updateStep(INDArray gradient, Variable variable, double learningRate, FusedStages stages) {
        int i = indexOf(variable);
        fused.apply(gradient, accumulatedGrads.get(i).value(), accumulatedDeltas.get(i).value(), variable.value(),
                rho, epsilon, variable.precision().round(learningRate), stages);
    }

    @Override
    protected void updateStep(INDArray gradient, Variable variable, double learningRate) {
        int i = indexOf(variable);
        Variable eg = accumulatedGrads.get(i);
        Variable edx = accumulatedDeltas.get(i);
        Precision p = variable.precision();
        INDArray g = gradient;
        if (gradient.dataType() != p.dataType()) {
            g = scratch().get(variable, Scratch.Use.CAST_GRADIENT);
            math.assign(g, gradient);
        }
        double lr = p.round(learningRate);
        if (kernel == UpdateKernel.FUSED && FusedAdadeltaUpdate.supports(g, eg.value(), edx.value(), variable.value())) {
            fused.apply(g, eg.value(), edx.value(), variable.value(), rho, epsilon, lr);
            return;
        }
        double oneMinusRho = 1 - rho;
        // Everything in place: the slots and the variable are updated where they lie, and the two
        // temporaries are the variable's scratch arrays (a holds squares and rmsGrad, b rmsDelta and delta).
        INDArray a = scratch().get(variable, Scratch.Use.TEMP_A);
        INDArray b = scratch().get(variable, Scratch.Use.TEMP_B);
        INDArray egv = eg.value();
        INDArray edxv = edx.value();

        accumulate(egv, g, g, oneMinusRho, a);
        math.add(edxv, epsilon, b);
        math.sqrt(b, b);
        math.add(egv, epsilon, a);
        math.sqrt(a, a);
        math.multiply(b, g, b);
        math.divide(b, a, b);
        math.negate(b, b);
        accumulate(edxv, b, b, oneMinusRho, a);
        math.multiply(b, lr, b);
        math.add(variable.value(), b, variable.value());
    }

    /** {@code avg := rho*avg + (1-rho)*(x*y)}, with {@code tmp} for the second term. */
    private void accumulate(INDArray avg, INDArray x, INDArray y, double oneMinusRho, INDArray tmp) {
        math.multiply(x, y, tmp);
        math.multiply(tmp, oneMinusRho, tmp);
        math.multiply(avg, rho, avg);
        math.add(avg, tmp, avg);
    }

    @Override
    protected Map<String, Object> ownConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("rho", rho);
        c.put("epsilon", epsilon);
        return c;
    }

    /** Keras's keyword arguments as fluent setters; defaults are Keras's. */
    public static final class Builder extends OptimizerOptions.Builder<Builder> {
        private double rho = DEFAULT_RHO;
        private double epsilon = DEFAULT_EPSILON;
        private UpdateKernel kernel = UpdateKernel.defaultKernel();

        private Builder() {
            super(DEFAULT_LEARNING_RATE);
        }

        public Builder rho(double value) {
            this.rho = value;
            return this;
        }

        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        /** The update rule's implementation; {@link UpdateKernel#TENSOR_OPS} unless the system property says. */
        public Builder updateKernel(UpdateKernel value) {
            this.kernel = value;
            return this;
        }

        public Adadelta build() {
            return new Adadelta(baseOptions(), rho, epsilon, Nd4jTensorMath.INSTANCE, kernel);
        }
    }
}
