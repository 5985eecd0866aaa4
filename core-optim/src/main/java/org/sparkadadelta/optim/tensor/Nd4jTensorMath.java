package org.sparkadadelta.optim.tensor;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Negative;
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
 * The into-{@code out} variants run the same ops with {@code out} as their result array; the sum of squares
 * reads the tensor's off-heap memory in place ({@link ElementBuffers}).
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
    public void add(INDArray a, INDArray b, INDArray out) {
        pairwise(a, b, out, AddOp::new, this::add);
    }

    @Override
    public void subtract(INDArray a, INDArray b, INDArray out) {
        pairwise(a, b, out, SubOp::new, this::subtract);
    }

    @Override
    public void multiply(INDArray a, INDArray b, INDArray out) {
        pairwise(a, b, out, MulOp::new, this::multiply);
    }

    @Override
    public void divide(INDArray a, INDArray b, INDArray out) {
        pairwise(a, b, out, DivOp::new, this::divide);
    }

    @Override
    public void add(INDArray a, double scalar, INDArray out) {
        intoOut(a, out, () -> scalarOp(new ScalarAdd(a, null, out, scalar)), () -> add(a, scalar));
    }

    @Override
    public void multiply(INDArray a, double scalar, INDArray out) {
        intoOut(a, out, () -> scalarOp(new ScalarMultiplication(a, null, out, scalar)), () -> multiply(a, scalar));
    }

    @Override
    public void divide(INDArray a, double scalar, INDArray out) {
        intoOut(a, out, () -> scalarOp(new ScalarDivision(a, null, out, scalar)), () -> divide(a, scalar));
    }

    @Override
    public void sqrt(INDArray a, INDArray out) {
        intoOut(a, out, () -> Nd4j.getExecutioner().exec((Op) new Sqrt(a, out)), () -> sqrt(a));
    }

    @Override
    public void negate(INDArray a, INDArray out) {
        intoOut(a, out, () -> Nd4j.getExecutioner().exec((Op) new Negative(a, out)), () -> negate(a));
    }

    @Override
    public void clip(INDArray a, double lo, double hi, INDArray out) {
        intoOut(a, out, () -> {
            ClipByValue op = new ClipByValue(a, lo, hi);
            op.addOutputArgument(out);
            Nd4j.getExecutioner().exec((CustomOp) op);
        }, () -> clip(a, lo, hi));
    }

    /** The pairwise op with {@code out} as its result; operands of two dtypes take the allocating path. */
    private static void pairwise(INDArray a, INDArray b, INDArray out, PairwiseOp op,
            BinaryOperator<INDArray> allocating) {
        requireSameShape(b, out);
        if (a.dataType() == b.dataType()) {
            intoOut(a, out, () -> Nd4j.getExecutioner().exec((CustomOp) op.create(a, b, out)),
                    () -> allocating.apply(a, b));
        } else {
            out.assign(allocating.apply(a, b)); // widening copies: a float64 variable with float32 gradients
        }
    }

    /** Runs {@code direct} when {@code out} has {@code a}'s dtype; otherwise rounds the exact result into it. */
    private static void intoOut(INDArray a, INDArray out, Runnable direct,
            Supplier<INDArray> allocating) {
        requireSameShape(a, out);
        if (a.dataType() == out.dataType()) {
            direct.run();
        } else {
            out.assign(allocating.get());
        }
    }

    private static void requireSameShape(INDArray a, INDArray out) {
        if (!Arrays.equals(a.shape(), out.shape())) {
            throw new IllegalArgumentException("Result shape " + Arrays.toString(out.shape())
                    + " differs from operand shape " + Arrays.toString(a.shape()));
        }
    }

    /** An ND4J pairwise op writing {@code x op y} into {@code z}. */
    @FunctionalInterface
    private interface PairwiseOp {
        CustomOp create(INDArray x, INDArray y, INDArray z);
    }

    @Override
    public double sumOfSquares(INDArray a) {
        INDArray c = ElementBuffers.isViewable(a) ? a : a.dup('c');
        return TensorMath.precisionOf(c) == Precision.FLOAT32 ? PairwiseSum.sumOfSquares(ElementBuffers.floats(c))
                : PairwiseSum.sumOfSquares(ElementBuffers.doubles(c));
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
