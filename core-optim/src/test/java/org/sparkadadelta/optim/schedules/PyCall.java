package org.sparkadadelta.optim.schedules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny parser for the Python call expressions recorded in the golden files, such as
 * {@code PiecewiseConstantDecay([1, 2], [0.1, 0.2])} or {@code CosineDecay(0.1, 10, warmup_target=1.0)}:
 * literals only (int, float, str, True/False/None, lists), positional then keyword arguments.
 */
final class PyCall {
    /** Keras's constructor parameter order, used to name positional arguments. */
    static final Map<String, List<String>> PARAMS = Map.of(
            "ExponentialDecay", List.of("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"),
            "PiecewiseConstantDecay", List.of("boundaries", "values", "name"),
            "PolynomialDecay", List.of("initial_learning_rate", "decay_steps", "end_learning_rate", "power",
                    "cycle", "name"),
            "InverseTimeDecay", List.of("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"),
            "CosineDecay", List.of("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                    "warmup_steps"),
            "CosineDecayRestarts", List.of("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha",
                    "name"));

    final String callee;
    final List<Object> positional = new ArrayList<>();
    final Map<String, Object> keywords = new LinkedHashMap<>();

    private final String src;
    private int pos;

    private PyCall(String src) {
        this.src = src;
        skipWs();
        this.callee = identifier();
        expect('(');
        skipWs();
        while (peek() != ')') {
            int save = pos;
            String kw = null;
            if (Character.isLetter(peek()) || peek() == '_') {
                String id = identifier();
                skipWs();
                if (peek() == '=') {
                    pos++;
                    kw = id;
                } else {
                    pos = save;
                }
            }
            Object v = value();
            if (kw != null) {
                keywords.put(kw, v);
            } else {
                if (!keywords.isEmpty()) {
                    throw error("positional argument after keyword");
                }
                positional.add(v);
            }
            skipWs();
            if (peek() == ',') {
                pos++;
                skipWs();
            } else if (peek() != ')') {
                throw error("expected , or )");
            }
        }
        pos++;
        skipWs();
        if (pos != src.length()) {
            throw error("trailing text");
        }
    }

    static PyCall parse(String src) {
        return new PyCall(src);
    }

    /** The call's arguments as a keyword map, naming positionals by Keras's parameter order. */
    Map<String, Object> asKeywords() {
        List<String> names = PARAMS.get(callee);
        if (names == null) {
            throw new IllegalArgumentException("Not a schedule call: " + src);
        }
        if (positional.size() > names.size()) {
            throw new IllegalArgumentException("Too many positional arguments: " + src);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) {
            out.put(names.get(i), positional.get(i));
        }
        out.putAll(keywords);
        return out;
    }

    private Object value() {
        skipWs();
        char c = peek();
        if (c == '[') {
            pos++;
            List<Object> list = new ArrayList<>();
            skipWs();
            while (peek() != ']') {
                list.add(value());
                skipWs();
                if (peek() == ',') {
                    pos++;
                    skipWs();
                } else if (peek() != ']') {
                    throw error("expected , or ]");
                }
            }
            pos++;
            return list;
        }
        if (c == '\'' || c == '"') {
            int end = src.indexOf(c, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = src.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }
        if (Character.isLetter(c)) {
            String id = identifier();
            switch (id) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    throw error("unsupported name " + id);
            }
        }
        int start = pos;
        if (c == '-' || c == '+') {
            pos++;
        }
        while (pos < src.length() && "0123456789.eE+-_".indexOf(src.charAt(pos)) >= 0) {
            pos++;
        }
        String num = src.substring(start, pos).replace("_", "");
        if (num.isEmpty()) {
            throw error("expected a value");
        }
        if (num.matches("[-+]?\\d+")) {
            return Long.parseLong(num);
        }
        return Double.parseDouble(num);
    }

    private String identifier() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_'
                || src.charAt(pos) == '.')) {
            pos++;
        }
        if (start == pos) {
            throw error("expected an identifier");
        }
        return src.substring(start, pos);
    }

    private void expect(char c) {
        skipWs();
        if (peek() != c) {
            throw error("expected " + c);
        }
        pos++;
    }

    private char peek() {
        if (pos >= src.length()) {
            throw error("unexpected end");
        }
        return src.charAt(pos);
    }

    private void skipWs() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("Cannot parse Python call (" + what + " at " + pos + "): " + src);
    }
}
