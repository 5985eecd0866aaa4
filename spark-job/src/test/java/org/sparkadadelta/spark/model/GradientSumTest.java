package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mean gradient is the double quotient rounded to float, whichever way it is computed. */
class GradientSumTest {
    @Test
    void theMeanIsTheDoubleQuotientRoundedToFloatForEveryKindOfFloatAndCount() {
        SplittableRandom random = new SplittableRandom(17);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, 3f, 1e-40f};
        int size = 200_000;
        for (long count : new long[] {1, 3, 7, 128, 1000, 12_345, 99_991, 1L << 24, (1L << 24) + 1, 1L << 40}) {
            GradientSum sum = new GradientSum();
            float[] g = sum.gradientBuffer(size);
            for (int i = 0; i < size; i++) {
                // Random bit patterns cover every exponent, subnormals and NaN payloads included.
                g[i] = i < special.length ? special[i] : Float.intBitsToFloat(random.nextInt());
            }
            sum.addBatch(count, count, 0, 0);
            float[] mean = sum.meanGradient(size);
            for (int i = 0; i < size; i++) {
                float expected = (float) ((double) g[i] / count);
                if (!Float.isNaN(expected)) {
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(mean[i]),
                            "count " + count + ", gradient " + g[i]);
                } else {
                    assertEquals(true, Float.isNaN(mean[i]), "count " + count + ", gradient " + g[i]);
                }
            }
        }
    }
}
