package org.sparkadadelta.optim.python;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * numpy's default {@code str()} of a float array, as Keras prints it inside a variable's repr in error
 * messages: {@code [[1. 1.]\n [1. 1.]]}. Elements share one width; integral arrays print as {@code 1.};
 * others with up to 8 significant fractional digits, aligned on the decimal point; a wide dynamic range
 * switches to scientific notation. Arrays over 1000 elements are summarised with {@code ...}, as numpy does.
 */
public final class NumpyRepr {
    private static final int PRECISION = 8;
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private NumpyRepr() {
    }

    public static String str(INDArray array) {
        long[] shape = array.shape();
        double[] values = array.reshape('c', new long[] {array.length()}).toDoubleVector();
        boolean summarise = values.length > SUMMARY_THRESHOLD;
        List<String> formatted = format(values);
        StringBuilder sb = new StringBuilder();
        appendBlock(sb, formatted, shape, 0, 0L, summarise);
        return sb.toString();
    }

    private static void appendBlock(StringBuilder sb, List<String> items, long[] shape, int dim, long offset,
            boolean summarise) {
        if (dim == shape.length) {
            sb.append(items.get((int) offset));
            return;
        }
        long stride = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        // Rows are separated by one newline per remaining dimension, then indented under the bracket.
        String separator = dim == shape.length - 1 ? " " : "\n".repeat(shape.length - dim - 1) + " ".repeat(dim + 1);
        sb.append('[');
        boolean elide = summarise && shape[dim] > 2 * EDGE_ITEMS;
        boolean first = true;
        for (long i = 0; i < shape[dim]; i++) {
            if (elide && i == EDGE_ITEMS) {
                sb.append(separator).append("...");
                i = shape[dim] - EDGE_ITEMS;
            }
            if (!first) {
                sb.append(separator);
            }
            first = false;
            appendBlock(sb, items, shape, dim + 1, offset + i * stride, summarise);
        }
        sb.append(']');
    }

    /** Formats all elements to one common width, as numpy's FloatingFormat does. */
    static List<String> format(double[] values) {
        double maxAbs = 0;
        double minAbs = Double.POSITIVE_INFINITY;
        boolean allIntegral = true;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                continue;
            }
            double a = Math.abs(v);
            maxAbs = Math.max(maxAbs, a);
            if (a != 0) {
                minAbs = Math.min(minAbs, a);
            }
            allIntegral &= v == Math.rint(v);
        }
        boolean scientific = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs != Double.POSITIVE_INFINITY)
                || (minAbs != Double.POSITIVE_INFINITY && maxAbs / minAbs > 1e3 && !allIntegral);
        List<String[]> parts = new ArrayList<>();
        int intWidth = 0;
        int fracWidth = 0;
        for (double v : values) {
            String[] p = split(v, scientific, allIntegral);
            parts.add(p);
            intWidth = Math.max(intWidth, p[0].length());
            fracWidth = Math.max(fracWidth, p[1].length());
        }
        List<String> out = new ArrayList<>(values.length);
        for (String[] p : parts) {
            String s = " ".repeat(intWidth - p[0].length()) + p[0] + p[1] + " ".repeat(fracWidth - p[1].length());
            out.add(s);
        }
        return out;
    }

    /** {integer part incl. sign, "." + fraction (+ exponent)}; non-finite values have an empty second part. */
    private static String[] split(double v, boolean scientific, boolean integral) {
        if (Double.isNaN(v)) {
            return new String[] {"nan", ""};
        }
        if (Double.isInfinite(v)) {
            return new String[] {v > 0 ? "inf" : "-inf", ""};
        }
        String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
        BigDecimal d = new BigDecimal(PythonRepr.floatRepr(Math.abs(v)));
        if (scientific) {
            int exp = d.signum() == 0 ? 0 : d.precision() - d.scale() - 1;
            BigDecimal mantissa = d.movePointLeft(exp).round(new java.math.MathContext(PRECISION + 1))
                    .stripTrailingZeros();
            String m = mantissa.toPlainString();
            String[] ip = m.contains(".") ? m.split("\\.", 2) : new String[] {m, ""};
            String e = (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
            return new String[] {sign + ip[0], "." + ip[1] + "e" + e};
        }
        if (integral) {
            return new String[] {sign + d.toBigInteger(), "."};
        }
        BigDecimal rounded = d.setScale(Math.min(PRECISION, Math.max(d.scale(), 0)), java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        String plain = rounded.scale() <= 0 ? rounded.toBigInteger() + "." : rounded.toPlainString();
        String[] ip = plain.split("\\.", 2);
        return new String[] {sign + ip[0], "." + (ip.length > 1 ? ip[1] : "")};
    }
}
