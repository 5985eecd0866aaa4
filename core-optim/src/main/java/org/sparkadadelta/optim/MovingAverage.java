package org.sparkadadelta.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.FusedLoops;
import org.sparkadadelta.optim.tensor.FusedStages;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras's EMA of the model variables ({@code use_ema}): after every {@code apply}, for every built variable,
 * {@code avg := m*avg + (1-m)*v} with {@code m = 0} on the first (public) iteration and
 * {@code ema_momentum} afterwards; optionally the variables are overwritten with their averages.
 */
final class MovingAverage {
    private final double momentum;
    private final int overwritePeriod;
    private final List<Variable> averages;
    private final TensorMath math;
    private final Scratch scratch;
    private final FusedLoops fused;

    /** @param fused a single loop per variable, or null for {@code math}'s ops */
    MovingAverage(double momentum, int overwritePeriod, List<Variable> averages, TensorMath math, Scratch scratch,
            FusedLoops fused) {
        this.momentum = momentum;
        this.overwritePeriod = overwritePeriod;
        this.averages = averages;
        this.math = math;
        this.scratch = scratch;
        this.fused = fused;
    }

    /**
     * @param variables  all built model variables, in build order
     * @param iterations the public iteration counter before this step's increment
     */
    void update(List<Variable> variables, long iterations) {
        update(variables, iterations, null);
    }

    /** As {@link #update(List, long)}, skipping the build indices marked in {@code alreadyAveraged} (may be null). */
    void update(List<Variable> variables, long iterations, boolean[] alreadyAveraged) {
        for (int i = 0; i < variables.size(); i++) {
            if (alreadyAveraged != null && alreadyAveraged[i]) {
                continue;
            }
            Variable v = variables.get(i);
            Variable avg = averages.get(i);
            double m = momentum(v.precision(), iterations);
            double oneMinusM = v.precision().subtract(1.0, m);
            if (fused != null && FusedLoops.supports(avg.value(), v.value())) {
                fused.average(avg.value(), v.value(), m, oneMinusM);
                continue;
            }
            INDArray share = scratch.get(v, Scratch.Use.TEMP_A);
            math.multiply(v.value(), oneMinusM, share);
            math.multiply(avg.value(), m, avg.value());
            math.add(avg.value(), share, avg.value());
        }
        if (overwritePeriod > 0 && (iterations + 1) % overwritePeriod == 0) {
            copyAveragesInto(variables);
        }
    }

    /**
     * The average of the variable at build index {@code index} as a stage of its fused update, which then
     * stands for this step's {@link #update} of that variable.
     */
    void stage(int index, Variable v, long iterations, FusedStages stages) {
        double m = momentum(v.precision(), iterations);
        stages.movingAverage(averages.get(index).value(), m, v.precision().subtract(1.0, m));
    }

    /** {@code m}: 0 on the first public iteration; {@code 1 - m} is then float arithmetic on the rounded m. */
    private double momentum(Precision p, long iterations) {
        return p.multiply(iterations != 0 ? 1.0 : 0.0, p.round(momentum));
    }

    void copyAveragesInto(List<Variable> variables) {
        for (int i = 0; i < variables.size(); i++) {
            variables.get(i).assign(averages.get(i).value());
        }
    }

    int size() {
        return averages.size();
    }
}
