package org.sparkadadelta.optim.schedules;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sparkadadelta.optim.python.PythonRepr;

/**
 * Registry of the Keras learning-rate schedules: builds them from Keras configs (as parsed from JSON) and
 * serializes them back.
 *
 * <p>Parsing rules for {@link #fromConfig}: numbers may be any {@link Number} (Jackson gives
 * {@code Integer}, {@code Long}, {@code BigInteger} or {@code Double}); a float key also accepts the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} used for non-finite floats in the golden files;
 * a step-count key accepts a float only when it is integral. Missing optional keys take Keras's defaults.
 * Keras's own validation ({@code decay_steps > 0}, the piecewise length rule) runs on the values as given,
 * so its messages print them the way Python would ({@code decay_steps=0.0} for a float zero).
 */
public final class Schedules {
    /** Keras's {@code module} field for serialized schedules. */
    public static final String MODULE = "keras.optimizers.schedules";

    /**
     * Keras class name to {@code cls(**config)}, in Keras's source order. A new schedule is its class, with a
     * static {@code fromConfig(ScheduleArguments)}, plus one line here.
     */
    private static final Map<String, Function<ScheduleArguments, LearningRateSchedule>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("ExponentialDecay", ExponentialDecay::fromConfig);
        BY_NAME.put("PiecewiseConstantDecay", PiecewiseConstantDecay::fromConfig);
        BY_NAME.put("PolynomialDecay", PolynomialDecay::fromConfig);
        BY_NAME.put("InverseTimeDecay", InverseTimeDecay::fromConfig);
        BY_NAME.put("CosineDecay", CosineDecay::fromConfig);
        BY_NAME.put("CosineDecayRestarts", CosineDecayRestarts::fromConfig);
    }

    private Schedules() {
    }

    /** The Keras class names this registry knows, in Keras's source order. */
    public static List<String> classNames() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * Builds a schedule from its Keras class name and {@code get_config()} map, as Keras's
     * {@code cls(**config)} would.
     *
     * @throws IllegalArgumentException for an unknown class name, an unknown or missing key, a value of the
     *     wrong type, a non-integral step count, or whatever Keras's constructor rejects (same message)
     */
    public static LearningRateSchedule fromConfig(String className, Map<String, Object> config) {
        Function<ScheduleArguments, LearningRateSchedule> factory = BY_NAME.get(className == null ? "" : className);
        if (factory == null) {
            throw new IllegalArgumentException("Unknown learning rate schedule class_name: "
                    + PythonRepr.repr(className) + ". Known: " + PythonRepr.repr(classNames()));
        }
        return factory.apply(new ScheduleArguments(className, config == null ? Map.of() : config));
    }

    /**
     * Builds a schedule from Keras's serialized form
     * {@code {"module": ..., "class_name": ..., "config": {...}, "registered_name": ...}}.
     *
     * @throws IllegalArgumentException if {@code class_name} or {@code config} is missing or malformed, or as
     *     {@link #fromConfig}
     */
    @SuppressWarnings("unchecked")
    public static LearningRateSchedule deserialize(Map<String, Object> serialized) {
        Object cls = serialized.get("class_name");
        Object cfg = serialized.get("config");
        if (!(cls instanceof String)) {
            throw new IllegalArgumentException("Serialized schedule has no string `class_name`: "
                    + PythonRepr.repr(cls));
        }
        if (!(cfg instanceof Map)) {
            throw new IllegalArgumentException("Serialized schedule " + cls + " has no `config` object: "
                    + PythonRepr.repr(cfg));
        }
        return fromConfig((String) cls, (Map<String, Object>) cfg);
    }

    /**
     * Keras's {@code keras.optimizers.schedules.serialize(schedule)}:
     * {@code {module, class_name, config, registered_name: null}}.
     */
    public static Map<String, Object> serialize(LearningRateSchedule schedule) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", MODULE);
        m.put("class_name", schedule.className());
        m.put("config", schedule.config());
        m.put("registered_name", null);
        return m;
    }

    // ---- a schedule as its Keras config: shared by the schedule classes ----

    /** {@link ScalarSchedule#config()}: the record components in order, keyed by their snake_case names. */
    static Map<String, Object> recordConfig(Record r) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            try {
                c.put(snakeCase(rc.getName()), rc.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + rc, e);
            }
        }
        return c;
    }

    /** {@code firstDecaySteps} to {@code first_decay_steps}, {@code tMul} to {@code t_mul}. */
    private static String snakeCase(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (char ch : camel.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                sb.append('_').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    static boolean sameConfig(LearningRateSchedule self, Object other) {
        return other != null && other.getClass() == self.getClass()
                && self.config().equals(((LearningRateSchedule) other).config());
    }

    /** Python-call style, e.g. {@code ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, ...)}. */
    static String describe(LearningRateSchedule s) {
        StringBuilder sb = new StringBuilder(s.className()).append('(');
        boolean first = true;
        for (Map.Entry<String, Object> e : s.config().entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=').append(PythonRepr.repr(e.getValue()));
        }
        return sb.append(')').toString();
    }
}
