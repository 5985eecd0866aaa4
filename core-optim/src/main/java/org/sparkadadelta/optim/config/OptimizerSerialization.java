package org.sparkadadelta.optim.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerRegistry;
import org.sparkadadelta.optim.WarningListener;
import org.sparkadadelta.optim.schedules.LearningRateSchedule;
import org.sparkadadelta.optim.schedules.Schedules;

/**
 * Keras's {@code keras.optimizers.serialize} and {@code deserialize}: an optimizer as
 * {@code {"module": "keras.optimizers", "class_name", "config", "registered_name": null}}, with schedules
 * and the loss-scale optimizer's inner optimizer nested in the same form. Combine with {@link KerasJson}
 * for text.
 */
public final class OptimizerSerialization {
    public static final String MODULE = "keras.optimizers";

    private OptimizerSerialization() {
    }

    public static Map<String, Object> serialize(Optimizer optimizer) {
        return serialize(optimizer, WarningListener.LOG);
    }

    public static Map<String, Object> serialize(Optimizer optimizer, WarningListener warnings) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : optimizer.getConfig().entrySet()) {
            config.put(e.getKey(), serializeValue(e.getValue(), warnings));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", MODULE);
        m.put("class_name", optimizer.kerasClassName());
        m.put("config", config);
        m.put("registered_name", null);
        return m;
    }

    private static Object serializeValue(Object v, WarningListener warnings) {
        if (v instanceof LearningRateSchedule s) {
            return Schedules.serialize(s);
        }
        if (v instanceof Optimizer o) {
            return serialize(o, warnings);
        }
        if (v instanceof DoubleSupplier s) {
            // Keras writes callables by reference; a Java supplier cannot be rebuilt from JSON.
            warnings.warn("The learning rate is a Java supplier (" + s.getClass().getName() + "); it is written "
                    + "by name only and cannot be deserialized.");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class_name", "function");
            m.put("config", s.getClass().getName());
            return m;
        }
        return v;
    }

    public static Optimizer deserialize(Map<String, Object> serialized) {
        return deserialize(serialized, WarningListener.LOG);
    }

    /** Rebuilds an optimizer through {@link OptimizerRegistry}; class names match case-insensitively. */
    public static Optimizer deserialize(Map<String, Object> serialized, WarningListener warnings) {
        return OptimizerRegistry.deserialize(serialized, warnings);
    }
}
