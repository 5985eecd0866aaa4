package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.FusedStages;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras's gradient accumulation: a plain running sum per variable; on every N-th {@code apply} the update
 * uses {@code (g + sum) / N} and then every accumulator is reset to zero.
 */
final class GradientAccumulator {
    private final int period;
    private final List<Variable> sums;
    private final TensorMath math;
    private final Scratch scratch;

    GradientAccumulator(int period, List<Variable> sums, TensorMath math, Scratch scratch) {
        this.period = period;
        this.sums = sums;
        this.math = math;
        this.scratch = scratch;
    }

    int period() {
        return period;
    }

    /** Whether the {@code apply} that sees {@code rawIterations} before its increment is an update step. */
    boolean isUpdateStep(long rawIterations) {
        return (rawIterations + 1) % period == 0;
    }

    /**
     * {@code (g_i + sum_i) / N} for the given variable indices, into each variable's working gradient in
     * the sum's precision (the wider of the two).
     */
    List<INDArray> averaged(List<INDArray> grads, List<Variable> vars, int[] indices) {
        List<INDArray> out = new ArrayList<>(grads.size());
        for (int k = 0; k < grads.size(); k++) {
            INDArray g = grads.get(k);
            INDArray sum = sums.get(indices[k]).value();
            Precision p = Precision.wider(TensorMath.precisionOf(g), TensorMath.precisionOf(sum));
            INDArray average = scratch.get(vars.get(k), Scratch.Use.GRADIENT, p);
            math.add(g, sum, average);
            math.divide(average, period, average);
            out.add(average);
        }
        return out;
    }

    /** The average {@code (g + sum) / N} of the variable at build index {@code index} as a stage of its fused update. */
    void stage(int index, FusedStages stages) {
        stages.averageWith(sums.get(index).value(), period);
    }

    void add(List<INDArray> grads, int[] indices) {
        for (int k = 0; k < grads.size(); k++) {
            INDArray sum = sums.get(indices[k]).value();
            math.add(grads.get(k), sum, sum);
        }
    }

    void reset() {
        for (Variable sum : sums) {
            sum.value().assign(0);
        }
    }
}
