package org.sparkadadelta.spark.train;

import java.util.Optional;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.history.History;

/**
 * A saved state a run can continue from (a checkpoint): the weights, the optimizer's variables, the position
 * in the seeded batch order and the history so far.
 */
public interface ResumePoint {
    /** Optimizer steps done. */
    long globalStep();

    /** The epoch to continue in (0-based). */
    int epoch();

    /** Steps of that epoch already done. */
    long stepInEpoch();

    float[] weights();

    /** The history up to this point, or empty when it was not saved (the history then starts here). */
    Optional<History> history();

    /** Refuses a run whose setup (optimizer config, model, batch order, data) differs from the saved one's. */
    void requireSameSetup(TrainingRun run);

    /** Writes the saved optimizer variables into {@code optimizer}, built for the model's variables. */
    void restoreInto(Optimizer optimizer);
}
