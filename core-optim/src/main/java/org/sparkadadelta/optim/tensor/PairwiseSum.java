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
 * <p>{@link #sum(double[], Precision)} is the reference; the sums of squares of off-heap tensors follow the
 * same tree over their buffers, where they lie, each square rounded in the tensor's dtype.
 */
public final class PairwiseSum {
    private static final int BLOCK = 128;
    private static final int LANES = 8;

    private PairwiseSum() {
    }

    public static double sum(double[] values, Precision precision) {
        return sum(values, 0, values.length, precision);
    }

    /**
     * {@code sum(x*x)} over a float32 buffer: each square rounded to float32, summed in float32 (Java's
     * float {@code +} rounds once, like {@link Precision#add}). The same tree as {@link #sum(double[], Precision)},
     * specialized because it runs over every gradient element: each leaf block is copied in bulk
     * into a heap array and its eight lanes are plain locals.
     */
    static double sumOfSquares(FloatBuffer values) {
        return floatSquares(values, 0, values.limit(), new float[BLOCK]);
    }

    /** {@code sum(x*x)} over a float64 buffer, as {@link #sumOfSquares(FloatBuffer)} in double. */
    static double sumOfSquares(DoubleBuffer values) {
        return doubleSquares(values, 0, values.limit(), new double[BLOCK]);
    }

    private static float floatSquares(FloatBuffer b, int from, int n, float[] block) {
        if (n > BLOCK) {
            int half = n / 2;
            half -= half % LANES;
            return floatSquares(b, from, half, block) + floatSquares(b, from + half, n - half, block);
        }
        b.get(from, block, 0, n);
        for (int i = 0; i < n; i++) {
            block[i] = block[i] * block[i];
        }
        if (n < LANES) {
            float res = 0f;
            for (int i = 0; i < n; i++) {
                res += block[i];
            }
            return res;
        }
        float r0 = block[0];
        float r1 = block[1];
        float r2 = block[2];
        float r3 = block[3];
        float r4 = block[4];
        float r5 = block[5];
        float r6 = block[6];
        float r7 = block[7];
        int full = n - n % LANES;
        for (int i = LANES; i < full; i += LANES) {
            r0 += block[i];
            r1 += block[i + 1];
            r2 += block[i + 2];
            r3 += block[i + 3];
            r4 += block[i + 4];
            r5 += block[i + 5];
            r6 += block[i + 6];
            r7 += block[i + 7];
        }
        float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
        for (int i = full; i < n; i++) {
            res += block[i];
        }
        return res;
    }

    private static double doubleSquares(DoubleBuffer b, int from, int n, double[] block) {
        if (n > BLOCK) {
            int half = n / 2;
            half -= half % LANES;
            return doubleSquares(b, from, half, block) + doubleSquares(b, from + half, n - half, block);
        }
        b.get(from, block, 0, n);
        for (int i = 0; i < n; i++) {
            block[i] = block[i] * block[i];
        }
        return sum(block, 0, n, Precision.FLOAT64); // a leaf of the reference tree: float64 adds round as double
    }

    static double sum(double[] a, int from, int n, Precision p) {
        if (n < LANES) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res = p.add(res, a[from + i]);
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[LANES];
            System.arraycopy(a, from, r, 0, LANES);
            int full = n - n % LANES;
            for (int i = LANES; i < full; i += LANES) {
                for (int j = 0; j < LANES; j++) {
                    r[j] = p.add(r[j], a[from + i + j]);
                }
            }
            double res = p.add(p.add(p.add(r[0], r[1]), p.add(r[2], r[3])),
                    p.add(p.add(r[4], r[5]), p.add(r[6], r[7])));
            for (int i = full; i < n; i++) {
                res = p.add(res, a[from + i]);
            }
            return res;
        }
        int half = n / 2;
        half -= half % LANES;
        return p.add(sum(a, from, half, p), sum(a, from + half, n - half, p));
    }
}
