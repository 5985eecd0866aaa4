package org.sparkadadelta.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.FusedLoops;
import org.sparkadadelta.optim.tensor.FusedStages;
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
    private final Scratch scratch;
    private final FusedLoops fused;

    private GradientClipping(Mode mode, double threshold, TensorMath math, Scratch scratch, FusedLoops fused) {
        this.mode = mode;
        this.threshold = threshold;
        this.math = math;
        this.scratch = scratch;
        this.fused = fused;
    }

    /** @param fused single loops for norm clipping, or null for {@code math}'s ops */
    static GradientClipping of(OptimizerOptions options, TensorMath math, Scratch scratch, FusedLoops fused) {
        // Keras tests "value and value > 0" in this order, so the first positive threshold wins.
        if (positive(options.clipnorm())) {
            return new GradientClipping(Mode.NORM, options.clipnorm(), math, scratch, fused);
        }
        if (positive(options.globalClipnorm())) {
            return new GradientClipping(Mode.GLOBAL_NORM, options.globalClipnorm(), math, scratch, fused);
        }
        if (positive(options.clipvalue())) {
            return new GradientClipping(Mode.VALUE, options.clipvalue(), math, scratch, fused);
        }
        return new GradientClipping(Mode.NONE, 0, math, scratch, fused);
    }

    boolean isActive() {
        return mode != Mode.NONE;
    }

    private static boolean positive(Double value) {
        return value != null && value > 0;
    }

    /**
     * The clipped gradients, each written into its variable's working gradient (which may already hold
     * it: clipping reads every element before writing it).
     */
    List<INDArray> clip(List<INDArray> grads, List<Variable> vars) {
        switch (mode) {
            case NORM:
                return map(grads, vars, this::clipByNorm);
            case GLOBAL_NORM:
                return clipByGlobalNorm(grads, vars);
            case VALUE:
                return map(grads, vars, (g, out) -> math.clip(g, -threshold, threshold, out));
            default:
                return grads;
        }
    }

    /**
     * {@code (g * c) / max(norm, c)}, applied even below the threshold (so {@code (g*c)/c} may move g by
     * an ulp). The norm of an all-zero tensor is 0 and a NaN anywhere makes the whole tensor NaN.
     */
    private void clipByNorm(INDArray g, INDArray out) {
        double c = TensorMath.precisionOf(g).round(threshold);
        double denominator = normDenominator(g);
        if (fused != null && FusedLoops.supports(g, out)) {
            fused.multiplyThenDivide(g, c, denominator, out);
            return;
        }
        math.multiply(g, c, out);
        math.divide(out, denominator, out);
    }

    /** {@code max(norm, c)} of one gradient, NaN when the norm is. */
    private double normDenominator(INDArray g) {
        Precision p = TensorMath.precisionOf(g);
        double sumSq = math.sumOfSquares(g);
        double l2 = sumSq > 0 ? p.sqrt(sumSq) : sumSq;
        return Double.isNaN(l2) ? l2 : Math.max(l2, p.round(threshold));
    }

    /** Whether clipping needs the gradients' norms, and so a pass over them before the update. */
    boolean needsNorms() {
        return mode == Mode.NORM || mode == Mode.GLOBAL_NORM;
    }

    /**
     * Clipping as a stage of a fused update, for the same bits as {@link #clip}: the norms are computed
     * here (their own pass over each gradient), the elementwise part is left to the kernel.
     */
    void stage(List<INDArray> grads, List<FusedStages> stages) {
        switch (mode) {
            case NORM:
                for (int i = 0; i < grads.size(); i++) {
                    INDArray g = grads.get(i);
                    stages.get(i).multiplyThenDivide(TensorMath.precisionOf(g).round(threshold), normDenominator(g));
                }
                break;
            case GLOBAL_NORM:
                double scale = globalScale(grads);
                stages.forEach(s -> s.multiply(scale));
                break;
            case VALUE:
                stages.forEach(s -> s.clipByValue(threshold));
                break;
            default:
                break;
        }
    }

    /**
     * Scales every gradient by {@code c * min(1/norm, 1/c)}, plus {@code norm - norm} so that a non-finite
     * norm turns every gradient NaN. {@code 1/c} is a double divided before rounding, as in Keras.
     */
    private List<INDArray> clipByGlobalNorm(List<INDArray> grads, List<Variable> vars) {
        double scale = globalScale(grads);
        return map(grads, vars, (g, out) -> math.multiply(g, scale, out));
    }

    private double globalScale(List<INDArray> grads) {
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
        return p.add(p.multiply(p.round(threshold), smaller), p.subtract(norm, norm));
    }

    private List<INDArray> map(List<INDArray> grads, List<Variable> vars, BiConsumer<INDArray, INDArray> f) {
        List<INDArray> out = new ArrayList<>(grads.size());
        for (int i = 0; i < grads.size(); i++) {
            INDArray g = grads.get(i);
            INDArray clipped = scratch.get(vars.get(i), Scratch.Use.GRADIENT, TensorMath.precisionOf(g));
            f.accept(g, clipped);
            out.add(clipped);
        }
        return out;
    }
}
