package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bit-exact comparisons against golden values: equal bit patterns, so {@code -0.0 != 0.0}; any NaN equals
 * any NaN (the files store NaN without sign or payload).
 */
public final class Bits {
    private Bits() {
    }

    public static void assertSame(double expected, float actual, String what) {
        float e = (float) expected;
        if (Float.isNaN(e) && Float.isNaN(actual)) {
            return;
        }
        if (Float.floatToIntBits(e) != Float.floatToIntBits(actual)) {
            fail(what + ": expected " + e + " (" + hex(e) + ") but was " + actual + " (" + hex(actual) + ", "
                    + ulps(e, actual) + " ulp)");
        }
    }

    public static void assertSame(double expected, double actual, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return;
        }
        if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(actual)) {
            fail(what + ": expected " + expected + " (" + hex(expected) + ") but was " + actual + " ("
                    + hex(actual) + ")");
        }
    }

    public static String hex(float f) {
        return String.format("0x%08x", Float.floatToRawIntBits(f));
    }

    public static String hex(double d) {
        return String.format("0x%016x", Double.doubleToRawLongBits(d));
    }

    /** Compares a flat golden list with a tensor of any shape, in the tensor's own dtype. */
    public static void assertTensor(JsonNode expected, INDArray actual, String what) {
        assertEquals(expected.size(), actual.length(), what + ": number of elements");
        INDArray flat = actual.reshape('c', new long[] {actual.length()});
        for (int i = 0; i < expected.size(); i++) {
            double e = GoldenFiles.number(expected.get(i));
            String where = what + "[" + i + "]";
            DataType t = actual.dataType();
            if (t == DataType.FLOAT) {
                assertSame(e, flat.getFloat(i), where);
            } else if (t == DataType.DOUBLE) {
                assertSame(e, flat.getDouble(i), where);
            } else {
                assertEquals((long) e, flat.getLong(i), where);
            }
        }
    }

    /**
     * Compares a flat golden list with a tensor within {@code maxUlps} units in the last place of the element's
     * scale: its largest magnitude in {@code scales} (flat lists of the same size, e.g. Keras's values of this
     * tensor now and one step earlier). An error in a step's update is relative to the update, which is at
     * most as large as the values it moves between, so a result that cancels to near zero is not held to ulps
     * of its own tiny size. NaN, infinities and the sign of zero must be the same. {@code float32Ulps}:
     * float64 values are measured in float32 ulps, for errors that come from float32 arithmetic.
     */
    public static void assertTensorClose(JsonNode expected, List<JsonNode> scales, INDArray actual, long maxUlps,
            boolean float32Ulps, String what) {
        assertEquals(expected.size(), actual.length(), what + ": number of elements");
        for (JsonNode s : scales) {
            assertEquals(expected.size(), s.size(), what + ": number of elements of the scale");
        }
        INDArray flat = actual.reshape('c', new long[] {actual.length()});
        boolean doubles = actual.dataType() == DataType.DOUBLE;
        for (int i = 0; i < expected.size(); i++) {
            double e = GoldenFiles.number(expected.get(i));
            double a = doubles ? flat.getDouble(i) : flat.getFloat(i);
            double scale = 0;
            for (JsonNode s : scales) {
                double v = GoldenFiles.number(s.get(i));
                if (Double.isFinite(v)) {
                    scale = Math.max(scale, Math.abs(doubles ? v : (float) v));
                }
            }
            double unit = doubles && !float32Ulps ? Math.ulp(scale) : Math.ulp((float) scale);
            if (!close(doubles ? e : (float) e, a, maxUlps * unit)) {
                fail(what + "[" + i + "]: expected " + e + " (" + (doubles ? hex(e) : hex((float) e)) + ") but was "
                        + a + " (" + (doubles ? hex(a) : hex((float) a)) + "): " + Math.abs(e - a) / unit
                        + " ulp of its scale " + scale + "; at most " + maxUlps + " allowed");
            }
        }
    }

    private static boolean close(double expected, double actual, double maxError) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.doubleToLongBits(expected) == Double.doubleToLongBits(actual)) {
            return true;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual) || (expected == 0 && actual == 0)) {
            return false;  // infinities and signed zeros are exact
        }
        return Math.abs(expected - actual) <= maxError;
    }

    static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }
}
