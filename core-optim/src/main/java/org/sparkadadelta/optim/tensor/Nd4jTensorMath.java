package org.sparkadadelta.optim.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link TensorMath} on ND4J's native CPU kernels.
 *
 * <p>ND4J's scalar ops store the scalar in the array's dtype before the kernel runs, and its pairwise
 * ops round once per element; {@code Nd4jTensorMathTest} checks both against Java's own IEEE arithmetic.
 * ND4J's {@code Transforms.min/max} drop NaN, so clipping uses the {@code ClipByValue} op, which keeps it.
 */
public final class Nd4jTensorMath implements TensorMath {
    public static final Nd4jTensorMath INSTANCE = new Nd4jTensorMath();

    private Nd4jTensorMath() {
    }

    @Override
    public INDArray add(INDArray a, INDArray b) {
        return widen(a, b).add(widen(b, a));
    }

    @Override
    public INDArray subtract(INDArray a, INDArray b) {
        return widen(a, b).sub(widen(b, a));
    }

    @Override
    public INDArray multiply(INDArray a, INDArray b) {
        return widen(a, b).mul(widen(b, a));
    }

    @Override
    public INDArray divide(INDArray a, INDArray b) {
        return widen(a, b).div(widen(b, a));
    }

    // The scalar ops run ND4J's kernels directly: INDArray.add/mul/div(Number) replace a NaN scalar by
    // Nd4j.EPS_THRESHOLD, which would hide the NaN a non-finite norm must spread (Keras's clipping).
    @Override
    public INDArray add(INDArray a, double scalar) {
        return scalarOp(new ScalarAdd(a, null, a.ulike(), scalar));
    }

    @Override
    public INDArray multiply(INDArray a, double scalar) {
        return scalarOp(new ScalarMultiplication(a, null, a.ulike(), scalar));
    }

    @Override
    public INDArray divide(INDArray a, double scalar) {
        return scalarOp(new ScalarDivision(a, null, a.ulike(), scalar));
    }

    private static INDArray scalarOp(BaseScalarOp op) {
        return Nd4j.getExecutioner().exec(op);
    }

    @Override
    public INDArray sqrt(INDArray a) {
        return Transforms.sqrt(a, true);
    }

    @Override
    public INDArray negate(INDArray a) {
        return a.neg();
    }

    @Override
    public INDArray clip(INDArray a, double lo, double hi) {
        return Nd4j.getExecutioner().exec(new ClipByValue(a, lo, hi))[0];
    }

    @Override
    public double sumOfSquares(INDArray a) {
        INDArray squares = a.mul(a);
        return PairwiseSum.sum(squares.reshape('c', new long[] {squares.length()}).toDoubleVector(), TensorMath.precisionOf(a));
    }

    @Override
    public boolean allFinite(INDArray a) {
        return !BooleanIndexing.or(a, Conditions.isNan()) && !BooleanIndexing.or(a, Conditions.isInfinite());
    }

    @Override
    public INDArray cast(INDArray a, Precision precision) {
        return a.dataType() == precision.dataType() ? a.dup() : a.castTo(precision.dataType());
    }

    @Override
    public INDArray zeros(long[] shape, Precision precision) {
        return Nd4j.zeros(precision.dataType(), shape);
    }

    @Override
    public void assign(INDArray target, INDArray source) {
        target.assign(source);
    }

    /** {@code a} widened to float64 when {@code other} is float64 and {@code a} is not. */
    private static INDArray widen(INDArray a, INDArray other) {
        Precision target = Precision.wider(TensorMath.precisionOf(a), TensorMath.precisionOf(other));
        return TensorMath.precisionOf(a) == target ? a : a.castTo(target.dataType());
    }
}
