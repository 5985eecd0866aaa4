package org.sparkadadelta.optim.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The kernel contract bit-exactness rests on: every ND4J op rounds once, in the tensor's dtype, exactly
 * like Java's IEEE arithmetic, with double scalars first rounded to that dtype. Checked elementwise on
 * values spanning many binades plus NaN, infinities and signed zeros.
 */
class Nd4jTensorMathTest {
    private static final TensorMath MATH = Nd4jTensorMath.INSTANCE;
    private static final int N = 20_000;

    @ParameterizedTest
    @EnumSource(Precision.class)
    void binaryOpsRoundOnceLikeJava(Precision p) {
        double[] x = values(p, 1);
        double[] y = values(p, 2);
        INDArray a = tensor(x, p);
        INDArray b = tensor(y, p);
        same(p, MATH.add(a, b), x, y, (u, v) -> u + v);
        same(p, MATH.subtract(a, b), x, y, (u, v) -> u - v);
        same(p, MATH.multiply(a, b), x, y, (u, v) -> u * v);
        same(p, MATH.divide(a, b), x, y, (u, v) -> u / v);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void scalarOpsRoundTheScalarToTheTensorDtypeFirst(Precision p) {
        double[] x = values(p, 3);
        INDArray a = tensor(x, p);
        double s = 1 - 0.95; // not representable: the float32 result must use (float) s
        double sr = p.round(s);
        same(p, MATH.multiply(a, s), x, v -> v * sr);
        same(p, MATH.divide(a, 0.7), x, v -> v / p.round(0.7));
        same(p, MATH.add(a, 1e-7), x, v -> v + p.round(1e-7));
        same(p, MATH.sqrt(MATH.multiply(a, a)), x, v -> Math.sqrt(p.round(v * v)));
        same(p, MATH.negate(a), x, v -> -v);
    }

    /** ND4J's {@code INDArray.mul(Number)} and friends silently replace a NaN scalar by 1e-5; ours must not. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void nonFiniteScalarsPropagateLikeJava(Precision p) {
        double[] x = values(p, 4);
        INDArray a = tensor(x, p);
        for (double s : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            same(p, MATH.multiply(a, s), x, v -> v * s);
            same(p, MATH.divide(a, s), x, v -> v / s);
            same(p, MATH.add(a, s), x, v -> v + s);
        }
    }

    @Test
    void clipKeepsNanAndMapsInfinitiesToTheBounds() {
        INDArray a = Nd4j.createFromArray(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0.05f, 3f);
        float[] clipped = MATH.clip(a, -0.1, 0.1).toFloatVector();
        assertTrue(Float.isNaN(clipped[0]));
        assertArrayEquals(new float[] {0.1f, -0.1f, -0f, 0.05f, 0.1f}, java.util.Arrays.copyOfRange(clipped, 1, 6));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(clipped[3]), "sign of zero kept");
    }

    @Test
    void allFiniteSeesNanAndBothInfinities() {
        assertTrue(MATH.allFinite(Nd4j.createFromArray(1f, -0f, Float.MAX_VALUE)));
        assertFalse(MATH.allFinite(Nd4j.createFromArray(1f, Float.NaN)));
        assertFalse(MATH.allFinite(Nd4j.createFromArray(Float.NEGATIVE_INFINITY, 1f)));
        assertFalse(MATH.allFinite(Nd4j.createFromArray(1.0, Double.POSITIVE_INFINITY)));
    }

    @Test
    void mixedPrecisionWidensExactlyToFloat64() {
        INDArray f = Nd4j.createFromArray(0.1f, 3f);
        INDArray d = Nd4j.createFromArray(0.2, 0.3);
        INDArray sum = MATH.add(f, d);
        assertEquals(DataType.DOUBLE, sum.dataType());
        assertEquals((double) 0.1f + 0.2, sum.getDouble(0));
        assertEquals(DataType.DOUBLE, MATH.multiply(d, f).dataType());
    }

    @Test
    void sumOfSquaresUsesThePairwiseTreeNotALeftToRightLoop() {
        // 2^24 then fifteen 1s: left to right every +1 is lost (ties to even); numpy's 8 lanes keep them.
        float[] v = new float[16];
        java.util.Arrays.fill(v, 1f);
        v[0] = 4096f; // 4096^2 = 2^24
        assertEquals(16777216f + 14f, (float) MATH.sumOfSquares(Nd4j.createFromArray(v).reshape(4, 4)));
    }

    @Test
    void operationsDoNotModifyTheirInputs() {
        INDArray a = Nd4j.createFromArray(1f, 2f);
        INDArray copy = a.dup();
        MATH.add(a, a);
        MATH.multiply(a, 3.0);
        MATH.sqrt(a);
        MATH.negate(a);
        MATH.clip(a, 0, 1);
        assertEquals(copy, a);
    }

    /** The into-{@code out} kernels give their allocating twins' bits, into a fresh array and in place. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void intoResultVariantsEqualTheAllocatingOnesAlsoInPlace(Precision p) {
        double[] x = values(p, 5);
        double[] y = values(p, 6);
        INDArray a = tensor(x, p);
        INDArray b = tensor(y, p);
        sameBits(MATH.add(a, b), into(a, out -> MATH.add(a, b, out)), inPlace(a, t -> MATH.add(t, b, t)));
        sameBits(MATH.subtract(a, b), into(a, out -> MATH.subtract(a, b, out)),
                inPlace(a, t -> MATH.subtract(t, b, t)));
        sameBits(MATH.multiply(a, b), into(a, out -> MATH.multiply(a, b, out)),
                inPlace(b, t -> MATH.multiply(a, t, t)));
        sameBits(MATH.divide(a, b), into(a, out -> MATH.divide(a, b, out)), inPlace(b, t -> MATH.divide(a, t, t)));
        sameBits(MATH.multiply(a, a), into(a, out -> MATH.multiply(a, a, out)), inPlace(a, t -> MATH.multiply(t, t, t)));
        for (double s : new double[] {1 - 0.95, 1e-7, Double.NaN, Double.POSITIVE_INFINITY}) {
            sameBits(MATH.add(a, s), into(a, out -> MATH.add(a, s, out)), inPlace(a, t -> MATH.add(t, s, t)));
            sameBits(MATH.multiply(a, s), into(a, out -> MATH.multiply(a, s, out)),
                    inPlace(a, t -> MATH.multiply(t, s, t)));
            sameBits(MATH.divide(a, s), into(a, out -> MATH.divide(a, s, out)), inPlace(a, t -> MATH.divide(t, s, t)));
        }
        sameBits(MATH.sqrt(a), into(a, out -> MATH.sqrt(a, out)), inPlace(a, t -> MATH.sqrt(t, t)));
        sameBits(MATH.negate(a), into(a, out -> MATH.negate(a, out)), inPlace(a, t -> MATH.negate(t, t)));
        sameBits(MATH.clip(a, -0.5, 2.0), into(a, out -> MATH.clip(a, -0.5, 2.0, out)),
                inPlace(a, t -> MATH.clip(t, -0.5, 2.0, t)));
    }

    @Test
    void intoResultVariantsWidenMixedOperandsAndRoundIntoANarrowerResult() {
        INDArray f = Nd4j.createFromArray(0.1f, 3f);
        INDArray d = Nd4j.createFromArray(0.2, 1e-30);
        INDArray wide = Nd4j.zeros(DataType.DOUBLE, 2);
        MATH.add(f, d, wide);
        assertEquals(MATH.add(f, d), wide);
        INDArray narrow = Nd4j.zeros(DataType.FLOAT, 2);
        MATH.multiply(d, f, narrow);
        assertEquals(MATH.multiply(d, f).castTo(DataType.FLOAT), narrow);
    }

    /** The in-place sum of squares reads views, offsets and F-ordered arrays in numpy's C order. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void sumOfSquaresReadsViewsInCOrderLikeAHeapCopy(Precision p) {
        INDArray m = tensor(values(p, 7), p).reshape('c', new long[] {100, 200});
        INDArray[] cases = {m, m.getRow(37), m.get(NDArrayIndex.interval(10, 60), NDArrayIndex.all()),
                m.getColumn(3), m.dup('f'), m.reshape('c', new long[] {20_000}).get(NDArrayIndex.interval(123, 19_000)),
                Nd4j.scalar(p.dataType(), 3.0)};
        for (INDArray a : cases) {
            double heap = PairwiseSum.sum(a.mul(a).reshape('c', new long[] {a.length()}).toDoubleVector(), p);
            assertBits(p, heap, MATH.sumOfSquares(a), "shape " + java.util.Arrays.toString(a.shape()));
        }
    }

    private static INDArray into(INDArray like, java.util.function.Consumer<INDArray> op) {
        INDArray out = like.ulike();
        op.accept(out);
        return out;
    }

    private static INDArray inPlace(INDArray operand, java.util.function.Consumer<INDArray> op) {
        INDArray t = operand.dup();
        op.accept(t);
        return t;
    }

    private static void sameBits(INDArray expected, INDArray... actual) {
        double[] e = expected.toDoubleVector();
        for (INDArray a : actual) {
            assertEquals(expected.dataType(), a.dataType());
            double[] got = a.toDoubleVector();
            for (int i = 0; i < e.length; i++) {
                assertBits(TensorMath.precisionOf(expected), e[i], got[i], "element " + i);
            }
        }
    }

    private static double[] values(Precision p, long seed) {
        Random r = new Random(seed);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = p.round(r.nextGaussian() * Math.exp(r.nextGaussian() * 8));
        }
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0, -1.0,
                p == Precision.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE};
        System.arraycopy(special, 0, v, 0, special.length);
        System.arraycopy(special, 0, v, N - special.length, special.length);
        return v;
    }

    private static INDArray tensor(double[] v, Precision p) {
        return Nd4j.createFromArray(v).castTo(p.dataType());
    }

    private static void same(Precision p, INDArray actual, double[] x, double[] y, DoubleBinaryOperator op) {
        double[] got = actual.toDoubleVector();
        for (int i = 0; i < x.length; i++) {
            assertBits(p, p.round(op.applyAsDouble(x[i], y[i])), got[i], x[i] + " op " + y[i]);
        }
    }

    private static void same(Precision p, INDArray actual, double[] x, DoubleUnaryOperator op) {
        double[] got = actual.toDoubleVector();
        for (int i = 0; i < x.length; i++) {
            assertBits(p, p.round(op.applyAsDouble(x[i])), got[i], "op " + x[i]);
        }
    }

    private static void assertBits(Precision p, double expected, double actual, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return;
        }
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                () -> p + " " + what + ": expected " + expected + " got " + actual);
    }
}
