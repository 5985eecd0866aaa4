package org.sparkadadelta.spark.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON job configuration with {@code key.path=value} overrides applied, read section by section. Every
 * key a section does not read is reported as unknown (with the keys it knows), and every wrongly typed
 * value names its full key, so a typo never silently falls back to a default.
 */
public final class ConfigTree {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    private final ObjectNode node;
    private final String prefix;
    private final Set<String> read = new TreeSet<>();

    private ConfigTree(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** Reads a config file (JSON, comments allowed) and applies {@code key=value} overrides in order. */
    public static ConfigTree load(Path file, List<String> overrides) {
        // Relative paths are the caller's (the launcher keeps the working directory): show where that led.
        String name = file.isAbsolute() ? file.toString() : file + " (" + file.toAbsolutePath().normalize() + ")";
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Cannot read config file " + name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("Cannot read config file " + name + ": permission denied", e);
        } catch (IOException e) {
            String why = Files.isDirectory(file) ? "it is a directory" : e.getMessage();
            throw new IllegalArgumentException("Cannot read config file " + name + ": " + why, e);
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("Config file " + name + " is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                    + e.getOriginalMessage(), e);
        }
        if (!(parsed instanceof ObjectNode root)) {
            throw new IllegalArgumentException("Config file " + name + " must hold a JSON object; got "
                    + (parsed == null || parsed.isMissingNode() ? "nothing" : parsed.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT)));
        }
        return fromNode(root, overrides);
    }

    public static ConfigTree fromNode(ObjectNode root, List<String> overrides) {
        ObjectNode copy = root.deepCopy();
        for (String o : overrides) {
            applyOverride(copy, o);
        }
        return new ConfigTree(copy, "");
    }

    /** {@code a.b.c=value}: the value is parsed as JSON when it is valid JSON, otherwise taken as a string. */
    static void applyOverride(ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("Override '" + override + "' is not of the form key.path=value");
        }
        String[] path = override.substring(0, eq).trim().split("\\.");
        String text = override.substring(eq + 1);
        JsonNode value;
        try {
            value = MAPPER.readTree(text);
            if (value == null || value.isMissingNode()) {
                value = JsonNodeFactory.instance.textNode(text);
            }
        } catch (IOException notJson) {
            value = JsonNodeFactory.instance.textNode(text);
        }
        ObjectNode parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = parent.get(path[i]);
            if (child == null || child.isNull()) {
                child = parent.putObject(path[i]);
            } else if (!child.isObject()) {
                throw new IllegalArgumentException("Override '" + override + "': '" + String.join(".",
                        java.util.Arrays.copyOf(path, i + 1)) + "' is not a section");
            }
            parent = (ObjectNode) child;
        }
        parent.set(path[path.length - 1], value);
    }

    private String key(String name) {
        return prefix + name;
    }

    private JsonNode get(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    public ConfigTree section(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return new ConfigTree(JsonNodeFactory.instance.objectNode(), key(name) + ".");
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("Config key '" + key(name) + "' must be an object; got " + v);
        }
        return new ConfigTree((ObjectNode) v, key(name) + ".");
    }

    public String string(String name, String defaultValue) {
        JsonNode v = get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isTextual()) {
            throw typeError(name, "a string", v);
        }
        return v.textValue();
    }

    public String requiredString(String name) {
        String s = string(name, null);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("Config key '" + key(name) + "' is required");
        }
        return s;
    }

    /** Any integer (an integral float such as {@code 4.0} too) that fits in a {@code long}. */
    public long integer(String name, long defaultValue) {
        return longAtLeast(name, defaultValue, Long.MIN_VALUE);
    }

    /** An integer {@code >= min} that fits in a {@code long}. */
    public long longAtLeast(String name, long defaultValue, long min) {
        return integerIn(name, defaultValue, min, Long.MAX_VALUE);
    }

    /** An integer {@code >= min} that fits in an {@code int}: a larger value is an error, never wrapped around. */
    public int intAtLeast(String name, int defaultValue, int min) {
        return (int) integerIn(name, defaultValue, min, Integer.MAX_VALUE);
    }

    private long integerIn(String name, long defaultValue, long min, long max) {
        JsonNode v = get(name);
        if (v == null) {
            return defaultValue;
        }
        String expected = "an integer" + (min == Long.MIN_VALUE ? "" : " >= " + min)
                + (max == Long.MAX_VALUE ? "" : " and <= " + max);
        if (!isWholeNumber(v)) {
            throw typeError(name, expected, v);
        }
        // Compared as BigDecimal: 1e30 or 2^63 must not saturate or wrap into range.
        java.math.BigDecimal value = v.decimalValue();
        if (value.compareTo(java.math.BigDecimal.valueOf(min)) < 0
                || value.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw typeError(name, expected, v);
        }
        return value.longValueExact();
    }

    /** An integral JSON number, or a float with no fractional part (as Keras's configs write {@code 4.0}). */
    private static boolean isWholeNumber(JsonNode v) {
        if (v.isIntegralNumber()) {
            return true;
        }
        return v.isNumber() && Double.isFinite(v.doubleValue()) && v.doubleValue() == Math.rint(v.doubleValue());
    }

    /** A number in [0, 1) ({@code validation_split}). */
    public double fraction(String name, double defaultValue) {
        JsonNode v = get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isNumber() || !(v.doubleValue() >= 0 && v.doubleValue() < 1)) {
            throw typeError(name, "a number >= 0 and < 1", v);
        }
        return v.doubleValue();
    }

    /** A map from class index to a finite weight ({@code class_weight}): JSON keys are strings of integers. */
    public Map<Integer, Double> classWeights(String name) {
        JsonNode v = get(name);
        Map<Integer, Double> out = new java.util.TreeMap<>();
        if (v == null) {
            return out;
        }
        String expected = "an object mapping class indices to weights, e.g. {\"0\": 1.0, \"1\": 5.0}";
        if (!v.isObject()) {
            throw typeError(name, expected, v);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("\\d{1,9}") || !e.getValue().isNumber()
                    || !Double.isFinite(e.getValue().doubleValue())) {
                throw new IllegalArgumentException("Config key '" + key(name) + "' must be " + expected + "; got \""
                        + e.getKey() + "\": " + e.getValue());
            }
            out.put(Integer.parseInt(e.getKey()), e.getValue().doubleValue());
        }
        return out;
    }

    /** A list of objects as plain Java values (see {@link #rawObject}); empty when absent. */
    public List<Map<String, Object>> rawObjectList(String name) {
        JsonNode v = get(name);
        List<Map<String, Object>> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw typeError(name, "a list of objects", v);
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw new IllegalArgumentException("Config key '" + key(name) + "[" + i + "]' must be an object; got "
                        + v.get(i));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = MAPPER.convertValue(v.get(i), java.util.LinkedHashMap.class);
            out.add(m);
        }
        return out;
    }

    /** The full name of key {@code name} of this section, for messages. */
    public String fullKey(String name) {
        return key(name);
    }

    public boolean bool(String name, boolean defaultValue) {
        JsonNode v = get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            throw typeError(name, "true or false", v);
        }
        return v.booleanValue();
    }

    public int[] intArray(String name, int[] defaultValue) {
        JsonNode v = get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isArray()) {
            throw typeError(name, "a list of integers", v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isIntegralNumber() || !v.get(i).canConvertToInt()) {
                throw typeError(name, "a list of integers", v);
            }
            out[i] = v.get(i).intValue();
        }
        return out;
    }

    public String[] stringArray(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return new String[0];
        }
        if (!v.isArray()) {
            throw typeError(name, "a list of strings", v);
        }
        String[] out = new String[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isTextual()) {
                throw typeError(name, "a list of strings", v);
            }
            out[i] = v.get(i).textValue();
        }
        return out;
    }

    /** A string-to-string map (numbers and booleans are turned into their text). */
    public Map<String, String> stringMap(String name) {
        JsonNode v = get(name);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw typeError(name, "an object", v);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
        }
        return out;
    }

    /** A sub-tree as plain Java values (Map, List, String, Integer/Long/Double, Boolean, null). */
    public Map<String, Object> rawObject(String name) {
        JsonNode v = get(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw typeError(name, "an object", v);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = MAPPER.convertValue(v, java.util.LinkedHashMap.class);
        return m;
    }

    /** Fails naming every key of this section that nothing read. */
    public void requireAllKeysKnown() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!read.contains(k)) {
                unknown.add(key(k));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown config key" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + (read.isEmpty() ? "" : "; known keys here: " + read));
        }
    }

    private IllegalArgumentException typeError(String name, String expected, JsonNode got) {
        return new IllegalArgumentException("Config key '" + key(name) + "' must be " + expected + "; got " + got);
    }
}
