package org.sparkadadelta.spark.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.WarningListener;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * A model as a Keras file holds it, in this job's terms: what {@link KerasFiles#read} returns and
 * {@link KerasFiles#writeModel} writes.
 *
 * @param model              the architecture ({@link ModelSpec#build} gives the network)
 * @param features           the input width
 * @param weights            the flat weights in {@link Network#layout()} order ({@code dense/kernel},
 *                           {@code dense/bias}, {@code dense_1/kernel}, ...), kernels row-major {@code (in, units)}
 * @param optimizerConfig    the optimizer as {@code keras.optimizers.serialize} gives it, or null (not compiled)
 * @param optimizerVariables the optimizer's variables in Keras's {@code optimizer.variables} order (the order
 *                           {@link Optimizer#optimizerVariables()} keeps), empty when there is no built state
 * @param source             where it was read from, or a description, for messages
 */
public record KerasModel(ModelSpec model, int features, float[] weights, Map<String, Object> optimizerConfig,
        List<KerasTensor> optimizerVariables, String source) {
    public KerasModel {
        Objects.requireNonNull(model, "model");
        int expected = model.build(features).layout().size();
        if (weights.length != expected) {
            throw new IllegalArgumentException(source + ": " + weights.length + " weights for a " + model + " on "
                    + features + " features, which has " + expected);
        }
        weights = weights.clone();
        optimizerConfig = optimizerConfig == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(optimizerConfig));
        optimizerVariables = List.copyOf(optimizerVariables);
    }

    /** A snapshot of a trained model and its optimizer (built or not), for writing Keras files. */
    public static KerasModel of(ModelSpec model, int features, float[] weights, Optimizer optimizer) {
        List<KerasTensor> vars = optimizer.isBuilt()
                ? optimizer.optimizerVariables().stream().map(v -> KerasTensor.of(v.variable())).toList()
                : List.of();
        return new KerasModel(model, features, weights.clone(), OptimizerSerialization.serialize(optimizer), vars,
                model.toString());
    }

    /** This model's network, laid out as {@link #weights()}. */
    public Network network() {
        return model.build(features);
    }

    /** A copy of the flat weights. */
    @Override
    public float[] weights() {
        return weights.clone();
    }

    public boolean hasOptimizerState() {
        return !optimizerVariables.isEmpty();
    }

    /** A fresh optimizer from {@link #optimizerConfig()}. */
    public Optimizer newOptimizer(WarningListener warnings) {
        if (optimizerConfig == null) {
            throw new IllegalStateException(source + " has no compiled optimizer");
        }
        return OptimizerSerialization.deserialize(optimizerConfig, warnings);
    }

    /**
     * Writes the saved optimizer variables into {@code optimizer}, built on this model's variables from
     * {@link #optimizerConfig()}, so that its next step is the one Keras would take. Nothing is written
     * unless every variable matches in count, shape and kind (float32, float64 or integer counter).
     *
     * @throws IllegalArgumentException naming the first variable that differs
     */
    public void restoreOptimizerState(Optimizer optimizer) {
        if (!optimizer.isBuilt()) {
            throw new IllegalStateException("The optimizer '" + optimizer.name() + "' must be built first");
        }
        List<OptimizerVariable> live = optimizer.optimizerVariables();
        if (live.size() != optimizerVariables.size()) {
            throw new IllegalArgumentException(source + ": the file has " + optimizerVariables.size()
                    + " optimizer variables, the " + optimizer.kerasClassName() + " built on this model has "
                    + live.size() + " (" + live.stream().map(v -> v.variable().path()).toList() + ")");
        }
        List<Runnable> assignments = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            Variable v = live.get(i).variable();
            KerasTensor saved = optimizerVariables.get(i);
            DataType type = v.value().dataType();
            boolean integer = type == DataType.INT || type == DataType.LONG;
            boolean sameKind = integer ? saved.isInteger()
                    : (type == DataType.FLOAT ? "float32" : "float64").equals(saved.dtype());
            if (!Arrays.equals(v.shape(), saved.shape()) || !sameKind) {
                throw new IllegalArgumentException(source + ": optimizer variable " + i + " " + saved
                        + " does not fit " + v.path() + " " + v.kerasDtype() + KerasTensor.pythonShape(v.shape()));
            }
            assignments.add(() -> v.assign(saved.toArray(type)));
        }
        assignments.forEach(Runnable::run);
    }

    /**
     * The weights as model variables with Keras's names and paths ({@code dense/kernel}, ...), fresh arrays in
     * {@link #layout()} order: what an optimizer is built on before {@link #restoreOptimizerState}.
     */
    public List<Variable> variables() {
        List<Variable> vars = new ArrayList<>();
        for (VariableSpec v : layout().variables()) {
            vars.add(new Variable(v.name(), v.path(), Nd4j.createFromArray(
                    Arrays.copyOfRange(weights, v.offset(), v.offset() + v.size())).reshape('c', v.shape())));
        }
        return vars;
    }

    /** The layout of {@link #weights()}. */
    public ParameterLayout layout() {
        return network().layout();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasModel m && model.equals(m.model) && features == m.features
                && Arrays.equals(weights, m.weights) && Objects.equals(optimizerConfig, m.optimizerConfig)
                && optimizerVariables.equals(m.optimizerVariables);
    }

    @Override
    public int hashCode() {
        return model.hashCode() * 31 + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "KerasModel[" + model + " on " + features + " features, optimizer "
                + (optimizerConfig == null ? "none" : optimizerConfig.get("class_name")) + " with "
                + optimizerVariables.size() + " variables, from " + source + "]";
    }
}
