package org.sparkadadelta.optim.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Sums an array in numpy's pairwise order, rounding every addition to the given precision.
 *
 * <p>Keras's clipnorm and global_clipnorm reduce {@code g*g} with {@code sum}, and on the numpy backend the
 * result depends on numpy's exact summation tree. The tree: fewer than 8 elements are added left to right;
 * up to 128 elements go through 8 interleaved partial sums combined as
 * {@code ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))}, then the remainder left to right; larger blocks split at a
 * multiple of 8 near the middle and add the two halves' sums.
 *
 * <p>The terms come from a {@link Terms} source, so the squares of an off-heap tensor can be summed where
 * they lie, each square rounded in the tensor's dtype as it is read.
 */
public final class PairwiseSum {
    private static final int BLOCK = 128;
    private static final int LANES = 8;

    /** The {@code i}-th term of a sum, already rounded to the sum's precision. */
    @FunctionalInterface
    interface Terms {
        double at(int i);
    }

    private PairwiseSum() {
    }

    public static double sum(double[] values, Precision precision) {
        return sum(i -> values[i], 0, values.length, precision);
    }

    /** {@code sum(x*x)} over a float32 buffer: each square rounded to float32, summed in float32. */
    static double sumOfSquares(FloatBuffer values) {
        return sum(i -> {
            float x = values.get(i);
            return x * x;
        }, 0, values.limit(), Precision.FLOAT32);
    }

    /** {@code sum(x*x)} over a float64 buffer. */
    static double sumOfSquares(DoubleBuffer values) {
        return sum(i -> {
            double x = values.get(i);
            return x * x;
        }, 0, values.limit(), Precision.FLOAT64);
    }

    static double sum(Terms a, int from, int n, Precision p) {
        if (n < LANES) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res = p.add(res, a.at(from + i));
            }
            return res;
        }
        if (n <= BLOCK) {
            return block(a, from, n, p);
        }
        int half = n / 2;
        half -= half % LANES;
        return p.add(sum(a, from, half, p), sum(a, from + half, n - half, p));
    }

    /** 8 to 128 terms: eight interleaved partial sums (locals, not an array: this runs once per block). */
    private static double block(Terms a, int from, int n, Precision p) {
        double r0 = a.at(from);
        double r1 = a.at(from + 1);
        double r2 = a.at(from + 2);
        double r3 = a.at(from + 3);
        double r4 = a.at(from + 4);
        double r5 = a.at(from + 5);
        double r6 = a.at(from + 6);
        double r7 = a.at(from + 7);
        int full = n - n % LANES;
        for (int i = from + LANES; i < from + full; i += LANES) {
            r0 = p.add(r0, a.at(i));
            r1 = p.add(r1, a.at(i + 1));
            r2 = p.add(r2, a.at(i + 2));
            r3 = p.add(r3, a.at(i + 3));
            r4 = p.add(r4, a.at(i + 4));
            r5 = p.add(r5, a.at(i + 5));
            r6 = p.add(r6, a.at(i + 6));
            r7 = p.add(r7, a.at(i + 7));
        }
        double res = p.add(p.add(p.add(r0, r1), p.add(r2, r3)), p.add(p.add(r4, r5), p.add(r6, r7)));
        for (int i = from + full; i < from + n; i++) {
            res = p.add(res, a.at(i));
        }
        return res;
    }
}
