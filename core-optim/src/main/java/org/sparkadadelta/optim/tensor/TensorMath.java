package org.sparkadadelta.optim.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise kernels optimizers are written in.
 *
 * <p>Contract, which bit-exactness with Keras rests on: every method rounds <em>once</em> per element, in
 * the dtype of its result, with no fused multiply-add and no reassociation. A {@code double} scalar is
 * first rounded to the tensor's dtype (Keras's weak-scalar rule), so callers compute constants such as
 * {@code 1 - rho} in double and pass them here. Mixed float32/float64 operands are widened (exactly) to
 * float64 first. Methods returning {@link INDArray} allocate a new array and never modify their inputs.
 *
 * <p>The {@code void} variants write into {@code out} instead, so that a step can run on arrays created
 * once: {@code out} has the operands' shape, may be one of them (in place), and holds the result rounded
 * once in the operation's dtype (the wider operand's; if {@code out} is narrower, the result is rounded
 * again into it, as {@code assign} would). They give exactly the values of their allocating twins.
 *
 * <p>Kept small on purpose: it is the seam where a faster backend can be dropped in and measured
 * against {@link Nd4jTensorMath}.
 */
public interface TensorMath {
    INDArray add(INDArray a, INDArray b);

    INDArray subtract(INDArray a, INDArray b);

    INDArray multiply(INDArray a, INDArray b);

    INDArray divide(INDArray a, INDArray b);

    INDArray add(INDArray a, double scalar);

    INDArray multiply(INDArray a, double scalar);

    INDArray divide(INDArray a, double scalar);

    INDArray sqrt(INDArray a);

    INDArray negate(INDArray a);

    /** {@code min(max(a, lo), hi)} with NaN kept NaN, as {@code numpy.clip} does. */
    INDArray clip(INDArray a, double lo, double hi);

    void add(INDArray a, INDArray b, INDArray out);

    void subtract(INDArray a, INDArray b, INDArray out);

    void multiply(INDArray a, INDArray b, INDArray out);

    void divide(INDArray a, INDArray b, INDArray out);

    void add(INDArray a, double scalar, INDArray out);

    void multiply(INDArray a, double scalar, INDArray out);

    void divide(INDArray a, double scalar, INDArray out);

    void sqrt(INDArray a, INDArray out);

    void negate(INDArray a, INDArray out);

    void clip(INDArray a, double lo, double hi, INDArray out);

    /** {@code sum(a*a)}: each square rounded, then summed in numpy's pairwise order ({@link PairwiseSum}). */
    double sumOfSquares(INDArray a);

    /** True when no element is NaN or infinite. */
    boolean allFinite(INDArray a);

    /** A copy of {@code a} in another precision (exact when widening). */
    INDArray cast(INDArray a, Precision precision);

    /** A new zero-filled tensor. */
    INDArray zeros(long[] shape, Precision precision);

    /** Copies {@code source} into {@code target} in place, so references to {@code target} see the result. */
    void assign(INDArray target, INDArray source);

    static Precision precisionOf(INDArray a) {
        return Precision.of(a.dataType());
    }
}
