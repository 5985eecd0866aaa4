package org.sparkadadelta.spark.keras;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.config.KerasJson;

/**
 * JSON text as Python's {@code json.dumps} writes it by default, as Keras writes {@code config.json} and
 * {@code metadata.json}: {@code ", "} and {@code ": "} separators, floats in {@code repr} form, non-ASCII escaped.
 */
final class PythonJson {
    private PythonJson() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    private static void write(Object value, StringBuilder b) {
        if (value instanceof Map<?, ?> m) {
            b.append('{');
            for (Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                string(String.valueOf(e.getKey()), b);
                b.append(": ");
                write(e.getValue(), b);
                if (it.hasNext()) {
                    b.append(", ");
                }
            }
            b.append('}');
        } else if (value instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                write(l.get(i), b);
            }
            b.append(']');
        } else if (value instanceof String s) {
            string(s, b);
        } else if (value == null || value instanceof Number || value instanceof Boolean) {
            b.append(KerasJson.write(value)); // null, true, 1, 1e-07, 32768.0 as Python writes them
        } else {
            throw new IllegalArgumentException("Not a JSON value: " + value.getClass().getName());
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
