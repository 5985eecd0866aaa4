package org.sparkadadelta.spark.train;

import java.util.Map;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.model.Network;

/**
 * A finished run: the final weights (after {@code finalizeVariableValues}, so EMA weights when EMA is on),
 * the history, the optimizer in its final state and the final metrics.
 */
public record TrainingResult(Network network, float[] weights, History history, Optimizer optimizer,
        Map<String, Object> metrics) {
}
