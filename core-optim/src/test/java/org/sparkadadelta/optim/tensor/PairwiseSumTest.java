package org.sparkadadelta.optim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** numpy's summation tree, on inputs where the tree shape changes the float32 result. */
class PairwiseSumTest {
    private static final double BIG = 16777216.0; // 2^24: adding 1 to it in float32 is lost

    @Test
    void fewerThanEightAreAddedLeftToRight() {
        double[] v = {BIG, 1, 1, 1, 1, 1, 1};
        assertEquals(BIG, PairwiseSum.sum(v, Precision.FLOAT32));
        assertEquals(BIG + 6, PairwiseSum.sum(v, Precision.FLOAT64));
    }

    @Test
    void eightLanesThenPairsThenTheRemainder() {
        double[] v = new double[19];
        Arrays.fill(v, 1);
        v[0] = BIG;
        // Lanes: r0 = BIG + 1 (lost), r1..r7 = 2, so the pairs give BIG + 14; the 3 leftovers are then
        // added one at a time in float32.
        float expected = (float) (BIG + 14);
        for (int i = 0; i < 3; i++) {
            expected += 1f;
        }
        assertEquals(expected, (float) PairwiseSum.sum(v, Precision.FLOAT32));
    }

    @Test
    void largeArraysSplitAtAMultipleOfEight() {
        double[] v = new double[300];
        Arrays.fill(v, 1);
        // Halves: 144 (300/2 = 150, rounded down to a multiple of 8) and 156, each summed exactly to its
        // count, so the result is exact; a BIG at the start of the second half shows where the split is.
        v[144] = BIG;
        double secondHalf = PairwiseSum.sum(Arrays.copyOfRange(v, 144, 300), Precision.FLOAT32);
        assertEquals((float) (144 + secondHalf), (float) PairwiseSum.sum(v, Precision.FLOAT32));
        assertEquals(BIG + 299, PairwiseSum.sum(v, Precision.FLOAT64));
    }

    @Test
    void emptyIsZero() {
        assertEquals(0.0, PairwiseSum.sum(new double[0], Precision.FLOAT32));
    }

    /** The specialized sums of squares over buffers against the reference tree, at every leaf shape. */
    @Test
    void sumsOfSquaresOverBuffersFollowTheReferenceTree() {
        java.util.Random r = new java.util.Random(11);
        for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 130, 255, 256, 300, 1000, 4099}) {
            float[] f = new float[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 4));
                d[i] = r.nextGaussian() * Math.exp(r.nextGaussian() * 4);
            }
            double[] fSquares = new double[n];
            double[] dSquares = new double[n];
            for (int i = 0; i < n; i++) {
                fSquares[i] = f[i] * f[i];
                dSquares[i] = d[i] * d[i];
            }
            assertEquals(PairwiseSum.sum(fSquares, Precision.FLOAT32),
                    PairwiseSum.sumOfSquares(java.nio.FloatBuffer.wrap(f)), "float32, n=" + n);
            assertEquals(PairwiseSum.sum(dSquares, Precision.FLOAT64),
                    PairwiseSum.sumOfSquares(java.nio.DoubleBuffer.wrap(d)), "float64, n=" + n);
        }
    }
}
