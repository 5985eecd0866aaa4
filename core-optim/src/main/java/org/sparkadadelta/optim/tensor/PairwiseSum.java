package org.sparkadadelta.optim.tensor;

/**
 * Sums an array in numpy's pairwise order, rounding every addition to the given precision.
 *
 * <p>Keras's clipnorm and global_clipnorm reduce {@code g*g} with {@code sum}, and on the numpy backend the
 * result depends on numpy's exact summation tree. The tree: fewer than 8 elements are added left to right;
 * up to 128 elements go through 8 interleaved partial sums combined as
 * {@code ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))}, then the remainder left to right; larger blocks split at a
 * multiple of 8 near the middle and add the two halves' sums.
 */
public final class PairwiseSum {
    private static final int BLOCK = 128;
    private static final int LANES = 8;

    private PairwiseSum() {
    }

    public static double sum(double[] values, Precision precision) {
        return sum(values, 0, values.length, precision);
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
