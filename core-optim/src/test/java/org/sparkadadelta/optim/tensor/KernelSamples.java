package org.sparkadadelta.optim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Inputs and the bit comparison shared by the tests that hold a fused kernel against the ND4J ops. */
final class KernelSamples {
    /** Zeros of both signs, NaN, both infinities and the smallest subnormal of each sign. */
    private static final int SPECIALS = 7;

    private KernelSamples() {
    }

    /**
     * {@code n} values spread over many binades; with {@code stride > 0} the specials are planted at
     * {@code first}, {@code first + stride}, ...
     */
    static INDArray wideRange(Precision p, long seed, int n, int first, int stride) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * Math.exp(r.nextGaussian() * 6);
        }
        if (stride > 0) {
            double tiny = p == Precision.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
            double[] s = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, tiny, -tiny};
            for (int i = 0; i < SPECIALS; i++) {
                v[first + i * stride] = s[i];
            }
        }
        return Nd4j.createFromArray(v).castTo(p.dataType());
    }

    /** Same dtype and the same bits element by element; any NaN matches any NaN. */
    static void assertSameBits(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.dataType(), actual.dataType());
        double[] e = expected.dup('c').reshape(expected.length()).toDoubleVector();
        double[] a = actual.dup('c').reshape(actual.length()).toDoubleVector();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i])) {
                continue;
            }
            int k = i;
            assertEquals(Double.doubleToLongBits(e[k]), Double.doubleToLongBits(a[k]),
                    () -> what + "[" + k + "]: " + e[k] + " vs " + a[k]);
        }
    }
}
