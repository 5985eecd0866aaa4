package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Working arrays shaped like a variable, created once and reused every step, so that a step allocates no
 * tensor memory (fresh off-heap buffers cost a page fault per 4 KiB on first touch).
 *
 * <p>Each {@link Use} names one lifetime: two uses never share an array, and one use's array is only valid
 * until the next request for that use. A variable gets one array per use and precision (a float32
 * gradient of a float64 variable has its own).
 */
final class Scratch {
    /** What an array is for; uses that can be live at the same time must differ. */
    enum Use {
        /** The step's gradient once it is no longer the caller's (unscaled, averaged, clipped). */
        GRADIENT,
        /** The gradient in the variable's precision, when it arrived in another. */
        CAST_GRADIENT,
        /** Temporaries inside one update: weight decay, the update rule, EMA. */
        TEMP_A,
        TEMP_B
    }

    private final TensorMath math;
    private final Map<Variable, Map<Use, Map<Precision, INDArray>>> arrays = new IdentityHashMap<>();

    Scratch(TensorMath math) {
        this.math = math;
    }

    /** The array for {@code use} of {@code variable} in {@code precision}: zeros when created, then as left. */
    INDArray get(Variable variable, Use use, Precision precision) {
        return arrays.computeIfAbsent(variable, v -> new EnumMap<>(Use.class))
                .computeIfAbsent(use, u -> new EnumMap<>(Precision.class))
                .computeIfAbsent(precision, p -> math.zeros(variable.shape(), p));
    }

    /** In the variable's own precision. */
    INDArray get(Variable variable, Use use) {
        return get(variable, use, variable.precision());
    }

    /**
     * {@code g / divisor} for each gradient, into its variable's {@link Use#GRADIENT} array in the gradient's
     * precision, so the caller's gradients stay untouched. A null gradient stays null; one that does not match
     * its variable (count or shape) is divided into a new array and left to the optimizer's own checks.
     */
    List<INDArray> divided(List<INDArray> grads, List<Variable> vars, double divisor) {
        List<INDArray> out = new ArrayList<>(grads.size());
        for (int i = 0; i < grads.size(); i++) {
            INDArray g = grads.get(i);
            if (g == null) {
                out.add(null);
            } else if (grads.size() == vars.size() && Arrays.equals(g.shape(), vars.get(i).shape())) {
                INDArray into = get(vars.get(i), Use.GRADIENT, TensorMath.precisionOf(g));
                math.divide(g, divisor, into);
                out.add(into);
            } else {
                out.add(math.divide(g, divisor));
            }
        }
        return out;
    }
}
