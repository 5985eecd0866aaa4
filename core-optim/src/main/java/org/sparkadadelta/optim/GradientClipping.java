package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras's gradient clipping: at most one of clipnorm, global_clipnorm and clipvalue, each active only when
 * its threshold is positive. Each mode reproduces Keras's arithmetic in the gradient's own dtype.
 */
final class GradientClipping {
    private enum Mode { NONE, NORM, GLOBAL_NORM, VALUE }

    private final Mode mode;
    private final double threshold;
    private final TensorMath math;

    private GradientClipping(Mode mode, double threshold, TensorMath math) {
        this.mode = mode;
        this.threshold = threshold;
        this.math = math;
    }

    static GradientClipping of(OptimizerOptions options, TensorMath math) {
        // Keras tests "value and value > 0" in this order, so the first positive threshold wins.
        if (positive(options.clipnorm())) {
            return new GradientClipping(Mode.NORM, options.clipnorm(), math);
        }
        if (positive(options.globalClipnorm())) {
            return new GradientClipping(Mode.GLOBAL_NORM, options.globalClipnorm(), math);
        }
        if (positive(options.clipvalue())) {
            return new GradientClipping(Mode.VALUE, options.clipvalue(), math);
        }
        return new GradientClipping(Mode.NONE, 0, math);
    }

    private static boolean positive(Double value) {
        return value != null && value > 0;
    }

    List<INDArray> clip(List<INDArray> grads) {
        switch (mode) {
            case NORM:
                return map(grads, this::clipByNorm);
            case GLOBAL_NORM:
                return clipByGlobalNorm(grads);
            case VALUE:
                return map(grads, g -> math.clip(g, -threshold, threshold));
            default:
                return grads;
        }
    }

    /**
     * {@code (g * c) / max(norm, c)}, applied even below the threshold (so {@code (g*c)/c} may move g by
     * an ulp). The norm of an all-zero tensor is 0 and a NaN anywhere makes the whole tensor NaN.
     */
    private INDArray clipByNorm(INDArray g) {
        Precision p = TensorMath.precisionOf(g);
        double c = p.round(threshold);
        double sumSq = math.sumOfSquares(g);
        double l2 = sumSq > 0 ? p.sqrt(sumSq) : sumSq;
        double denominator = Double.isNaN(l2) ? l2 : Math.max(l2, c);
        return math.divide(math.multiply(g, c), denominator);
    }

    /**
     * Scales every gradient by {@code c * min(1/norm, 1/c)}, plus {@code norm - norm} so that a non-finite
     * norm turns every gradient NaN. {@code 1/c} is a double divided before rounding, as in Keras.
     */
    private List<INDArray> clipByGlobalNorm(List<INDArray> grads) {
        Precision p = Precision.FLOAT32;
        for (INDArray g : grads) {
            p = Precision.wider(p, TensorMath.precisionOf(g));
        }
        double total = 0.0;
        for (INDArray g : grads) {
            total = p.add(total, math.sumOfSquares(g));
        }
        double norm = p.sqrt(total);
        double inverse = p.divide(1.0, norm);
        double cap = p.round(1.0 / threshold);
        double smaller = Double.isNaN(inverse) ? inverse : Math.min(inverse, cap);
        double scale = p.add(p.multiply(p.round(threshold), smaller), p.subtract(norm, norm));
        return map(grads, g -> math.multiply(g, scale));
    }

    private static List<INDArray> map(List<INDArray> grads, java.util.function.UnaryOperator<INDArray> f) {
        List<INDArray> out = new ArrayList<>(grads.size());
        for (INDArray g : grads) {
            out.add(f.apply(g));
        }
        return out;
    }
}
