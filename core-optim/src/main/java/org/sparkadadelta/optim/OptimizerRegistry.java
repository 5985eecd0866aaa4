package org.sparkadadelta.optim;

import static org.sparkadadelta.optim.python.PythonRepr.repr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The optimizers that can be rebuilt from Keras's serialized form, by class name. A new optimizer is its
 * class, with a static {@code fromConfig(Map, WarningListener)}, plus one {@code register} line here.
 *
 * <p>It lives beside the optimizers (not in {@code config}) because a {@link LossScaleOptimizer} rebuilds its
 * inner optimizer through it.
 */
public final class OptimizerRegistry {
    /** Keras's {@code cls.from_config(config)}: builds one optimizer class from its {@code config} dict. */
    @FunctionalInterface
    public interface Factory {
        Optimizer fromConfig(Map<String, ?> config, WarningListener warnings);
    }

    /** Lower-cased names (Keras lower-cases built-in names when it looks them up) to factories. */
    private static final Map<String, Factory> BY_NAME = new LinkedHashMap<>();
    /** The Keras class names, in registration order, for error messages. */
    private static final List<String> CLASS_NAMES = new ArrayList<>();

    static {
        register(Adadelta::fromConfig, "Adadelta");
        register(LossScaleOptimizer::fromConfig, "LossScaleOptimizer", "loss_scale_optimizer");
    }

    private OptimizerRegistry() {
    }

    private static void register(Factory factory, String className, String... aliases) {
        CLASS_NAMES.add(className);
        BY_NAME.put(className.toLowerCase(Locale.ROOT), factory);
        for (String alias : aliases) {
            BY_NAME.put(alias.toLowerCase(Locale.ROOT), factory);
        }
    }

    /** The Keras class names this registry knows. */
    public static List<String> classNames() {
        return List.copyOf(CLASS_NAMES);
    }

    /**
     * Keras's {@code keras.optimizers.deserialize}: an optimizer from
     * {@code {"class_name": ..., "config": {...}}}; class names match case-insensitively.
     */
    @SuppressWarnings("unchecked")
    public static Optimizer deserialize(Map<String, Object> serialized, WarningListener warnings) {
        Object className = serialized.get("class_name");
        Object config = serialized.get("config");
        if (!(className instanceof String)) {
            throw new IllegalArgumentException("Serialized optimizer has no string `class_name`: "
                    + repr(serialized));
        }
        if (!(config instanceof Map)) {
            throw new IllegalArgumentException("Serialized optimizer " + className + " has no `config` object: "
                    + repr(config));
        }
        Factory factory = BY_NAME.get(((String) className).toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("Could not interpret optimizer identifier: " + className
                    + " (supported: " + String.join(", ", CLASS_NAMES) + ")");
        }
        return factory.fromConfig((Map<String, Object>) config, warnings);
    }
}
