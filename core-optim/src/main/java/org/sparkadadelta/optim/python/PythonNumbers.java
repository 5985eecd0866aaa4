package org.sparkadadelta.optim.python;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Numbers as they arrive from parsed JSON or Java callers, brought to the few types Python would see. */
public final class PythonNumbers {
    private PythonNumbers() {
    }

    /**
     * The non-finite floats as JSON files spell them when they cannot use bare literals ({@code "NaN"},
     * {@code "Infinity"}, {@code "-Infinity"}); null for any other text.
     */
    public static Double nonFinite(String text) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                return null;
        }
    }

    /**
     * Integer types become {@link Long} (or stay {@link BigInteger} when too big), float types and the
     * non-finite strings ({@link #nonFinite}) become {@link Double}; anything else is returned unchanged.
     */
    public static Object normalise(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger bi) {
            return bi.bitLength() < 64 ? (Object) bi.longValue() : bi;
        }
        if (o instanceof Double || o instanceof Float || o instanceof BigDecimal) {
            return ((Number) o).doubleValue();
        }
        if (o instanceof String s) {
            Double special = nonFinite(s);
            return special != null ? special : s;
        }
        return o;
    }
}
