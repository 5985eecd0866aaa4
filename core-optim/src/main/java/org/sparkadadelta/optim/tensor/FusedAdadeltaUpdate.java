package org.sparkadadelta.optim.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's Adadelta update for one variable as one loop over the four off-heap arrays, in place: each
 * element is read once and written once, instead of the dozen passes (and a temporary per pass) of the
 * same rule written in {@link TensorMath} ops. One instance per optimizer: it keeps its chunk buffers.
 *
 * <p>The arithmetic is the ops' arithmetic, element by element and in the same order: Java float and double
 * operators round once to their type and are never contracted into FMA; a float32 square root is the
 * double one rounded to float32, which is the correctly rounded float32 root (double has more than twice
 * float32's precision); the scalars are rounded to the variable's dtype first, as ND4J's scalar ops do.
 * NaN, infinities and signed zeros follow IEEE 754 in both. {@code FusedAdadeltaUpdateTest} checks it bit
 * for bit against the ops.
 */
public final class FusedAdadeltaUpdate {
    /** Elements per chunk: the six float32 chunks (24 KiB) fit in a 32 KiB L1 cache. */
    private static final int CHUNK = 1024;

    // Chunks of the off-heap arrays are copied into these (bulk copies), computed in a loop the JIT
    // vectorizes over plain arrays, and copied back; kept for the next call, so nothing is allocated.
    private final float[][] floats = new float[6][CHUNK];
    private final double[][] doubles = new double[4][CHUNK];
    private final FusedStages none = new FusedStages();

    /** Whether the loop can run on these arrays: one float dtype, C-contiguous, same length. */
    public static boolean supports(INDArray gradient, INDArray accumulatedGrad, INDArray accumulatedDelta,
            INDArray variable) {
        for (INDArray a : new INDArray[] {gradient, accumulatedGrad, accumulatedDelta, variable}) {
            if (a.dataType() != variable.dataType() || a.length() != variable.length()
                    || !ElementBuffers.isViewable(a)) {
                return false;
            }
        }
        return variable.dataType() == DataType.FLOAT || variable.dataType() == DataType.DOUBLE;
    }

    /**
     * {@code Eg = rho*Eg + (1-rho)*g²; delta = -(sqrt(Edx+eps)*g)/sqrt(Eg+eps); Edx = rho*Edx + (1-rho)*delta²;
     * v = v + lr*delta}, with {@code 1-rho} computed in double before rounding, as in Keras. Not thread-safe.
     */
    public void apply(INDArray gradient, INDArray accumulatedGrad, INDArray accumulatedDelta, INDArray variable,
            double rho, double epsilon, double learningRate) {
        if (TensorMath.precisionOf(variable) == Precision.FLOAT32) {
            apply(gradient, accumulatedGrad, accumulatedDelta, variable, rho, epsilon, learningRate, none.clear());
        } else {
            doubles(ElementBuffers.doubles(gradient), ElementBuffers.doubles(accumulatedGrad),
                    ElementBuffers.doubles(accumulatedDelta), ElementBuffers.doubles(variable), rho, 1 - rho,
                    epsilon, learningRate);
        }
    }

    /**
     * The same update of a float32 variable with what the base optimizer does around it in the same pass
     * ({@link FusedStages}: the gradient averaged and clipped before the rule, the variable decayed before
     * it and averaged after it), each element read and written once. Needs {@link #supports} and
     * {@link FusedStages#supports}.
     */
    public void apply(INDArray gradient, INDArray accumulatedGrad, INDArray accumulatedDelta, INDArray variable,
            double rho, double epsilon, double learningRate, FusedStages stages) {
        floats(ElementBuffers.floats(gradient), ElementBuffers.floats(accumulatedGrad),
                ElementBuffers.floats(accumulatedDelta), ElementBuffers.floats(variable), (float) rho,
                (float) (1 - rho), (float) epsilon, (float) learningRate, stages);
    }

    private void floats(FloatBuffer g, FloatBuffer eg, FloatBuffer edx, FloatBuffer v, float rho,
            float oneMinusRho, float eps, float lr, FusedStages stages) {
        float[] gc = floats[0];
        float[] egc = floats[1];
        float[] edxc = floats[2];
        float[] vc = floats[3];
        float[] sumc = floats[4];
        float[] avgc = floats[5];
        FloatBuffer sum = stages.accumulator == null ? null : ElementBuffers.floats(stages.accumulator);
        FloatBuffer avg = stages.average == null ? null : ElementBuffers.floats(stages.average);
        int n = v.limit();
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            g.get(at, gc, 0, len);
            if (sum != null) {
                sum.get(at, sumc, 0, len);
                FloatChunks.addThenDivide(gc, sumc, len, stages.period);
            }
            clip(gc, len, stages);
            eg.get(at, egc, 0, len);
            edx.get(at, edxc, 0, len);
            v.get(at, vc, 0, len);
            if (stages.decay) {
                FloatChunks.decay(vc, len, stages.decayFactor, stages.decayRate);
            }
            for (int i = 0; i < len; i++) {
                float gi = gc[i];
                float egi = egc[i] * rho + (gi * gi) * oneMinusRho;
                egc[i] = egi;
                float edxi = edxc[i];
                float delta = -(((float) Math.sqrt(edxi + eps) * gi) / (float) Math.sqrt(egi + eps));
                edxc[i] = edxi * rho + (delta * delta) * oneMinusRho;
                vc[i] = vc[i] + delta * lr;
            }
            eg.put(at, egc, 0, len);
            edx.put(at, edxc, 0, len);
            v.put(at, vc, 0, len);
            if (avg != null) {
                avg.get(at, avgc, 0, len);
                FloatChunks.average(avgc, vc, len, stages.momentum, stages.oneMinusMomentum);
                avg.put(at, avgc, 0, len);
            }
        }
    }

    private static void clip(float[] gc, int len, FusedStages stages) {
        switch (stages.clip) {
            case VALUE -> FloatChunks.clip(gc, len, stages.clipFirst, stages.clipSecond);
            case MULTIPLY_THEN_DIVIDE -> FloatChunks.multiplyThenDivide(gc, len, stages.clipFirst, stages.clipSecond);
            case MULTIPLY -> FloatChunks.multiply(gc, len, stages.clipFirst);
            default -> {
            }
        }
    }

    private void doubles(DoubleBuffer g, DoubleBuffer eg, DoubleBuffer edx, DoubleBuffer v, double rho,
            double oneMinusRho, double eps, double lr) {
        double[] gc = doubles[0];
        double[] egc = doubles[1];
        double[] edxc = doubles[2];
        double[] vc = doubles[3];
        int n = v.limit();
        for (int at = 0; at < n; at += CHUNK) {
            int len = Math.min(CHUNK, n - at);
            g.get(at, gc, 0, len);
            eg.get(at, egc, 0, len);
            edx.get(at, edxc, 0, len);
            v.get(at, vc, 0, len);
            for (int i = 0; i < len; i++) {
                double gi = gc[i];
                double egi = egc[i] * rho + (gi * gi) * oneMinusRho;
                egc[i] = egi;
                double edxi = edxc[i];
                double delta = -((Math.sqrt(edxi + eps) * gi) / Math.sqrt(egi + eps));
                edxc[i] = edxi * rho + (delta * delta) * oneMinusRho;
                vc[i] = vc[i] + delta * lr;
            }
            eg.put(at, egc, 0, len);
            edx.put(at, edxc, 0, len);
            v.put(at, vc, 0, len);
        }
    }
}
