package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras's gradient accumulation: a plain running sum per variable; on every N-th {@code apply} the update
 * uses {@code (g + sum) / N} and then every accumulator is reset to zero.
 */
final class GradientAccumulator {
    private final int period;
    private final List<Variable> sums;
    private final TensorMath math;

    GradientAccumulator(int period, List<Variable> sums, TensorMath math) {
        this.period = period;
        this.sums = sums;
        this.math = math;
    }

    int period() {
        return period;
    }

    /** Whether the {@code apply} that sees {@code rawIterations} before its increment is an update step. */
    boolean isUpdateStep(long rawIterations) {
        return (rawIterations + 1) % period == 0;
    }

    /** {@code (g_i + sum_i) / N} for the given variable indices. */
    List<INDArray> averaged(List<INDArray> grads, int[] indices) {
        List<INDArray> out = new ArrayList<>(grads.size());
        for (int k = 0; k < grads.size(); k++) {
            out.add(math.divide(math.add(grads.get(k), sums.get(indices[k]).value()), period));
        }
        return out;
    }

    void add(List<INDArray> grads, int[] indices) {
        for (int k = 0; k < grads.size(); k++) {
            Variable sum = sums.get(indices[k]);
            sum.assign(math.add(grads.get(k), sum.value()));
        }
    }

    void reset() {
        for (Variable sum : sums) {
            sum.value().assign(0);
        }
    }
}
