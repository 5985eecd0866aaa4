package org.sparkadadelta.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras 3 optimizer as a training loop sees it: {@link BaseOptimizer} subclasses such as
 * {@link Adadelta}, and wrappers such as {@link LossScaleOptimizer}.
 */
public interface Optimizer {
    /** The optimizer's name, the first segment of its variables' paths. */
    String name();

    /** Keras's class name, as written in the config JSON. */
    String kerasClassName();

    boolean isBuilt();

    /** Creates the optimizer state for these model variables. */
    void build(List<Variable> variables);

    /** One step on the built variables, one gradient (or null) per variable in build order. */
    void apply(List<INDArray> grads);

    /** One step; builds on first use. {@code grads.get(i)} belongs to {@code variables.get(i)}; null skips it. */
    void apply(List<INDArray> grads, List<Variable> variables);

    /**
     * The factor Keras's {@code optimizer.scale_loss(loss)} multiplies the loss by: a training loop
     * differentiates {@code loss * lossScale()}, and {@link #apply} divides the gradients by it again.
     * {@code loss_scale_factor} (1.0 when None) for a {@link BaseOptimizer}, the current dynamic scale for a
     * {@link LossScaleOptimizer}. Read it before each step: a loss-scale optimizer changes it in {@code apply}.
     */
    double lossScale();

    /** With EMA, writes the moving averages into the variables; otherwise does nothing. */
    void finalizeVariableValues(List<Variable> variables);

    /** Keras's public {@code iterations}. */
    long iterations();

    /** Keras's {@code _iterations}, which also counts accumulation micro-steps. */
    long rawIterations();

    /** The learning rate the next step will use. */
    double learningRateValue();

    LearningRate learningRate();

    void setLearningRate(LearningRate learningRate);

    default void setLearningRate(double learningRate) {
        setLearningRate(LearningRate.of(learningRate));
    }

    /** The model variables, in build order. */
    List<Variable> trainableVariables();

    /** Keras's {@code optimizer.variables} with their roles, in Keras's save/load order. */
    List<OptimizerVariable> optimizerVariables();

    /** The state tensors alone, in the same order as {@link #optimizerVariables()}. */
    default List<Variable> variables() {
        return optimizerVariables().stream().map(OptimizerVariable::variable).toList();
    }

    /** Where Keras's {@code UserWarning}s go. */
    void setWarningListener(WarningListener listener);

    /**
     * Keras's {@code get_config()}. Values: {@link Double}, {@link Long}, {@link Boolean}, {@link String},
     * null, a nested {@code LearningRateSchedule} or {@code DoubleSupplier}, or a nested config map.
     */
    Map<String, Object> getConfig();
}
