package org.sparkadadelta.optim.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's Adadelta update for one variable as one loop over the four off-heap arrays, in place: each
 * element is read once and written once, instead of the dozen passes (and a temporary per pass) of the
 * same rule written in {@link TensorMath} ops.
 *
 * <p>The arithmetic is the ops' arithmetic, element by element and in the same order: Java float and double
 * operators round once to their type and are never contracted into FMA; a float32 square root is the
 * double one rounded to float32, which is the correctly rounded float32 root (double has more than twice
 * float32's precision); the scalars are rounded to the variable's dtype first, as ND4J's scalar ops do.
 * NaN, infinities and signed zeros follow IEEE 754 in both. {@code FusedAdadeltaUpdateTest} checks it bit
 * for bit against the ops.
 */
public final class FusedAdadeltaUpdate {
    private FusedAdadeltaUpdate() {
    }

    /** Whether the loop can run on these arrays: one dtype, C-contiguous, same length. */
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
     * v = v + lr*delta}, with {@code 1-rho} computed in double before rounding, as in Keras.
     */
    public static void apply(INDArray gradient, INDArray accumulatedGrad, INDArray accumulatedDelta,
            INDArray variable, double rho, double epsilon, double learningRate) {
        if (TensorMath.precisionOf(variable) == Precision.FLOAT32) {
            floats(ElementBuffers.floats(gradient), ElementBuffers.floats(accumulatedGrad),
                    ElementBuffers.floats(accumulatedDelta), ElementBuffers.floats(variable), (float) rho,
                    (float) (1 - rho), (float) epsilon, (float) learningRate);
        } else {
            doubles(ElementBuffers.doubles(gradient), ElementBuffers.doubles(accumulatedGrad),
                    ElementBuffers.doubles(accumulatedDelta), ElementBuffers.doubles(variable), rho, 1 - rho,
                    epsilon, learningRate);
        }
    }

    private static void floats(FloatBuffer g, FloatBuffer eg, FloatBuffer edx, FloatBuffer v, float rho,
            float oneMinusRho, float eps, float lr) {
        int n = v.limit();
        for (int i = 0; i < n; i++) {
            float gi = g.get(i);
            float egi = eg.get(i) * rho + (gi * gi) * oneMinusRho;
            eg.put(i, egi);
            float edxi = edx.get(i);
            float rmsDelta = (float) Math.sqrt(edxi + eps);
            float rmsGrad = (float) Math.sqrt(egi + eps);
            float delta = -((rmsDelta * gi) / rmsGrad);
            edx.put(i, edxi * rho + (delta * delta) * oneMinusRho);
            v.put(i, v.get(i) + delta * lr);
        }
    }

    private static void doubles(DoubleBuffer g, DoubleBuffer eg, DoubleBuffer edx, DoubleBuffer v, double rho,
            double oneMinusRho, double eps, double lr) {
        int n = v.limit();
        for (int i = 0; i < n; i++) {
            double gi = g.get(i);
            double egi = eg.get(i) * rho + (gi * gi) * oneMinusRho;
            eg.put(i, egi);
            double edxi = edx.get(i);
            double rmsDelta = Math.sqrt(edxi + eps);
            double rmsGrad = Math.sqrt(egi + eps);
            double delta = -((rmsDelta * gi) / rmsGrad);
            edx.put(i, edxi * rho + (delta * delta) * oneMinusRho);
            v.put(i, v.get(i) + delta * lr);
        }
    }
}
