package org.sparkadadelta.spark.callbacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sparkadadelta.optim.KerasArguments;

/**
 * Callbacks from their Keras config, {@code {"class_name": "EarlyStopping", "config": {"patience": 3}}}
 * ({@code module} and {@code registered_name} may accompany them, as Keras writes them), with Keras's
 * arguments and defaults. Unknown classes and arguments, and wrongly typed values, are errors naming them.
 * {@code ModelCheckpoint} lives with the checkpoints: its factory is passed in.
 */
public final class CallbackConfig {
    /** Builds a callback from its arguments, popping each it takes; leftovers are reported by the caller. */
    @FunctionalInterface
    public interface Factory extends Function<KerasArguments, Callback> {
    }

    private static final Map<String, Factory> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("EarlyStopping", a -> new EarlyStopping(string(a, "monitor", "val_loss"),
                a.popDouble("min_delta", 0), integer(a, "patience", 0), integer(a, "verbose", 0),
                string(a, "mode", "auto"), a.popNullableDouble("baseline"), a.popBoolean("restore_best_weights",
                false), integer(a, "start_from_epoch", 0)));
        BUILT_IN.put("ReduceLROnPlateau", a -> new ReduceLROnPlateau(string(a, "monitor", "val_loss"),
                a.popDouble("factor", 0.1), integer(a, "patience", 10), integer(a, "verbose", 0),
                string(a, "mode", "auto"), a.popDouble("min_delta", 1e-4), integer(a, "cooldown", 0),
                a.popDouble("min_lr", 0.0)));
        BUILT_IN.put("TerminateOnNaN", a -> new TerminateOnNaN(a.popBoolean("raise_error", false)));
        BUILT_IN.put("CSVLogger", a -> new CSVLogger(requiredString(a, "filename"), string(a, "separator", ","),
                a.popBoolean("append", false)));
    }

    private CallbackConfig() {
    }

    /**
     * @param serialized one callback's Keras config
     * @param more       further classes by name (e.g. {@code ModelCheckpoint})
     */
    public static Callback deserialize(Map<String, Object> serialized, Map<String, Factory> more) {
        Map<String, Factory> known = new LinkedHashMap<>(BUILT_IN);
        known.putAll(more);
        List<String> extra = new ArrayList<>(serialized.keySet());
        extra.removeAll(List.of("module", "class_name", "config", "registered_name"));
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + extra + " (expected class_name, config, and "
                    + "optionally module and registered_name)");
        }
        Object name = serialized.get("class_name");
        Factory factory = name instanceof String s ? known.get(s) : null;
        if (factory == null) {
            throw new IllegalArgumentException("class_name must be one of " + known.keySet() + "; got "
                    + (name instanceof String ? "'" + name + "'" : String.valueOf(name)));
        }
        Object config = serialized.getOrDefault("config", Map.of());
        if (!(config instanceof Map<?, ?> c)) {
            throw new IllegalArgumentException("config of " + name + " must be an object; got " + config);
        }
        @SuppressWarnings("unchecked")
        KerasArguments arguments = new KerasArguments((Map<String, Object>) c);
        Callback callback = factory.apply(arguments);
        arguments.rejectLeftovers(keys -> name + " got unexpected keyword argument" + (keys.size() > 1 ? "s " : " ")
                + keys);
        return callback;
    }

    /** A string argument (Keras's default when absent). */
    public static String string(KerasArguments a, String key, String defaultValue) {
        if (!a.has(key)) {
            return defaultValue;
        }
        Object v = a.pop(key);
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("Argument `" + key + "` must be a string. Received: " + key + "=" + v);
    }

    public static String requiredString(KerasArguments a, String key) {
        String s = string(a, key, null);
        if (s == null) {
            throw new IllegalArgumentException("Argument `" + key + "` is required");
        }
        return s;
    }

    /** An integer argument at least 0 (Keras's default when absent). */
    public static int integer(KerasArguments a, String key, int defaultValue) {
        if (!a.has(key)) {
            return defaultValue;
        }
        Integer v = a.popNullableInteger(key);
        if (v == null || v < 0) {
            throw new IllegalArgumentException("Argument `" + key + "` must be an integer >= 0. Received: " + key
                    + "=" + (v == null ? "None" : v));
        }
        return v;
    }
}
