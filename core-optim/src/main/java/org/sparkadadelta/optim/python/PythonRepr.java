package org.sparkadadelta.optim.python;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code repr()} of Java values, for reproducing Keras's exception messages and printed configs
 * character for character.
 *
 * <p>{@link #floatRepr(double)} follows CPython's {@code repr(float)}: the shortest decimal string that
 * parses back to the same double (ties between equally short candidates go to the one nearest the exact
 * value), printed in fixed notation when the decimal exponent is in [-4, 16) and in {@code 1.5e-05} style
 * otherwise. JDK 17's {@link Double#toString(double)} is not always shortest (JDK-4511638), and its
 * exponent style differs anyway, so it is not used.
 */
public final class PythonRepr {
    private PythonRepr() {
    }

    /** CPython's {@code repr(float(d))}, e.g. {@code 0.1}, {@code 1e-07}, {@code 1e+16}, {@code -0.0}, {@code nan}. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0.0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal shortest = shortestRoundTrip(Math.abs(d));
        // unscaled * 10^-scale, with the unscaled value free of trailing zeros.
        String digits = shortest.unscaledValue().toString();
        // Decimal exponent of the leading digit: value = d.ddd * 10^exp.
        int exp = digits.length() - 1 - shortest.scale();
        StringBuilder sb = new StringBuilder(sign);
        if (exp >= -4 && exp < 16) {
            if (exp >= 0) {
                if (digits.length() <= exp + 1) {
                    sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
                } else {
                    sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
                }
            } else {
                sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int ax = Math.abs(exp);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
        }
        return sb.toString();
    }

    /** The shortest decimal that round-trips {@code x > 0}, stripped of trailing zeros. */
    private static BigDecimal shortestRoundTrip(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int p = 1; p <= 17; p++) {
            BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (nearest.doubleValue() == x) {
                return nearest.stripTrailingZeros();
            }
            // Next to a power of two the rounding interval is lopsided (the gap below is half the gap
            // above), so the nearest p-digit decimal can miss while its upper neighbour still round-trips.
            BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(-nearest.scale());
            BigDecimal best = null;
            for (BigDecimal candidate : new BigDecimal[] {nearest.subtract(unit), nearest.add(unit)}) {
                if (candidate.signum() > 0 && candidate.doubleValue() == x) {
                    if (best == null
                            || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0) {
                        best = candidate;
                    }
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
        // 17 significant digits always round-trip a double; not reachable.
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /**
     * Python's {@code repr()} of a Java value: null is {@code None}, booleans {@code True}/{@code False},
     * strings quoted like Python's {@code str.__repr__}, {@link Double}/{@link Float} via
     * {@link #floatRepr(double)}, integral numbers in decimal, {@link List}s and Java arrays as
     * {@code [a, b]}, {@link Map}s as {@code {'k': v}} in iteration order.
     *
     * @throws IllegalArgumentException for a type with no Python counterpart
     */
    public static String repr(Object o) {
        StringBuilder sb = new StringBuilder();
        append(sb, o);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object o) {
        if (o == null) {
            sb.append("None");
        } else if (o instanceof Boolean b) {
            sb.append(b ? "True" : "False");
        } else if (o instanceof CharSequence s) {
            appendString(sb, s.toString());
        } else if (o instanceof Character c) {
            appendString(sb, c.toString());
        } else if (o instanceof Double || o instanceof Float) {
            // A float32 value becomes the Python float holding the same (widened) value.
            sb.append(floatRepr(((Number) o).doubleValue()));
        } else if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
                || o instanceof BigInteger) {
            sb.append(o);
        } else if (o instanceof BigDecimal bd) {
            sb.append(floatRepr(bd.doubleValue()));
        } else if (o instanceof Map<?, ?> m) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                append(sb, e.getKey());
                sb.append(": ");
                append(sb, e.getValue());
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else if (o instanceof Iterable<?> list) {
            sb.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                append(sb, it.next());
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append(']');
        } else if (o.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(o);
            sb.append('[');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, java.lang.reflect.Array.get(o, i));
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("No Python repr for " + o.getClass().getName() + ": " + o);
        }
    }

    /** CPython's {@code str.__repr__}: single quotes unless the text has a single quote and no double quote. */
    private static void appendString(StringBuilder sb, String s) {
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        sb.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f) {
                sb.appendCodePoint(cp);
            } else if (isPythonPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        }
        sb.append(quote);
    }

    /**
     * Python's {@code str.isprintable} for one non-ASCII code point: everything except the "Other" and
     * "Separator" categories (Java's Unicode tables may be a version apart from CPython's).
     */
    private static boolean isPythonPrintable(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SPACE_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
