package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.config.KerasArguments;
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

    private final double rho;
    private final double epsilon;
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
        super(options, "adadelta", math);
        this.rho = rho;
        this.epsilon = epsilon;
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
    protected void updateStep(INDArray gradient, Variable variable, double learningRate) {
        int i = indexOf(variable);
        Variable eg = accumulatedGrads.get(i);
        Variable edx = accumulatedDeltas.get(i);
        Precision p = variable.precision();
        INDArray g = gradient.dataType() == p.dataType() ? gradient : math.cast(gradient, p);
        double lr = p.round(learningRate);
        double oneMinusRho = 1 - rho;

        eg.assign(math.add(math.multiply(eg.value(), rho), math.multiply(math.multiply(g, g), oneMinusRho)));
        INDArray rmsDelta = math.sqrt(math.add(edx.value(), epsilon));
        INDArray rmsGrad = math.sqrt(math.add(eg.value(), epsilon));
        INDArray delta = math.negate(math.divide(math.multiply(rmsDelta, g), rmsGrad));
        edx.assign(math.add(math.multiply(edx.value(), rho),
                math.multiply(math.multiply(delta, delta), oneMinusRho)));
        variable.assign(math.add(variable.value(), math.multiply(delta, lr)));
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
        private TensorMath math = Nd4jTensorMath.INSTANCE;

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

        /** The kernels to run on; ND4J's native ones by default. */
        public Builder tensorMath(TensorMath value) {
            this.math = value;
            return this;
        }

        public Adadelta build() {
            return new Adadelta(baseOptions(), rho, epsilon, math);
        }
    }
}
