package org.sparkadadelta.optim.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What Keras's base optimizer does element by element around the update rule of one variable, for a fused
 * kernel to run inside the rule's own pass over the arrays rather than in passes of its own: averaging an
 * accumulated gradient, clipping it (by value, or by a factor computed beforehand: a norm needs its own pass),
 * decaying the variable before the rule and averaging it (EMA) after. The order is Keras's; each element
 * depends only on the same element of the other arrays, so doing all of it element by element gives the
 * bits of doing each over the whole array in turn.
 *
 * <p>Filled by the optimizer for each variable and step, then read by the kernel; one instance is reused,
 * so a step allocates nothing. Float32 only: the hot path; float64 variables keep the separate loops.
 */
public final class FusedStages {
    /** How the gradient is clipped. */
    enum Clip {
        NONE, VALUE, MULTIPLY_THEN_DIVIDE, MULTIPLY
    }

    INDArray accumulator;
    float period;
    Clip clip = Clip.NONE;
    float clipFirst;
    float clipSecond;
    boolean decay;
    float decayFactor;
    float decayRate;
    INDArray average;
    float momentum;
    float oneMinusMomentum;

    /** Nothing around the rule. */
    public FusedStages clear() {
        accumulator = null;
        clip = Clip.NONE;
        decay = false;
        average = null;
        return this;
    }

    /** The gradient is {@code (g + accumulator) / period} (the accumulator itself is left as it is). */
    public FusedStages averageWith(INDArray accumulatorSum, int accumulationPeriod) {
        accumulator = accumulatorSum;
        period = accumulationPeriod;
        return this;
    }

    /** Then clipped to {@code [-threshold, threshold]}, the threshold rounded to float32. */
    public FusedStages clipByValue(double threshold) {
        clip = Clip.VALUE;
        clipFirst = (float) -threshold;
        clipSecond = (float) threshold;
        return this;
    }

    /** Or clipped as {@code (g * c) / d} (norm clipping with its denominator known). */
    public FusedStages multiplyThenDivide(double c, double d) {
        clip = Clip.MULTIPLY_THEN_DIVIDE;
        clipFirst = (float) c;
        clipSecond = (float) d;
        return this;
    }

    /** Or clipped as {@code g * scale} (global norm clipping with its scale known). */
    public FusedStages multiply(double scale) {
        clip = Clip.MULTIPLY;
        clipFirst = (float) scale;
        return this;
    }

    /** Before the rule, {@code v := v - ((v * factor) * learningRate)}. */
    public FusedStages decay(double factor, double learningRate) {
        decay = true;
        decayFactor = (float) factor;
        decayRate = (float) learningRate;
        return this;
    }

    /** After the rule, {@code avg := (avg * m) + (v * oneMinusM)}. */
    public FusedStages movingAverage(INDArray averageOfVariable, double m, double oneMinusM) {
        average = averageOfVariable;
        momentum = (float) m;
        oneMinusMomentum = (float) oneMinusM;
        return this;
    }

    /** Whether a float32 kernel can run these stages along {@code variable}: every array float32 and viewable. */
    public boolean supports(INDArray variable) {
        return floatLike(variable, variable) && (accumulator == null || floatLike(accumulator, variable))
                && (average == null || floatLike(average, variable));
    }

    private static boolean floatLike(INDArray a, INDArray variable) {
        return a.dataType() == DataType.FLOAT && a.length() == variable.length() && ElementBuffers.isViewable(a);
    }
}
