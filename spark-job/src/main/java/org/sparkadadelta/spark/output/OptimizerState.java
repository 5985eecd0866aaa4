package org.sparkadadelta.spark.output;

import java.util.Map;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;

/**
 * What the run's outputs record about the optimizer.
 *
 * @param kerasConfig   Keras's serialized form, as {@link OptimizerSerialization#serialize} produces it
 * @param iterations    Keras's public {@code optimizer.iterations}
 * @param rawIterations Keras's {@code optimizer._iterations}, which also counts gradient-accumulation
 *                      micro-steps (needed to resume exactly)
 */
public record OptimizerState(Map<String, Object> kerasConfig, long iterations, long rawIterations) {
    public OptimizerState {
        kerasConfig = RunResult.ordered(kerasConfig);
    }

    public static OptimizerState of(Optimizer optimizer) {
        return new OptimizerState(OptimizerSerialization.serialize(optimizer), optimizer.iterations(),
                optimizer.rawIterations());
    }
}
