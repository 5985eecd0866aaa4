package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
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

    static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }
}
