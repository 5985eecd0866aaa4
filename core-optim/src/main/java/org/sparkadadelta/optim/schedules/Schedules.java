package org.sparkadadelta.optim.schedules;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.config.PythonRepr;

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

    private static final List<String> CLASS_NAMES = List.of("ExponentialDecay", "PiecewiseConstantDecay",
            "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts");

    /** {@code pi} rounded to float32, as Keras's cosine schedules use it. */
    private static final float PI_F = (float) Math.PI;

    private Schedules() {
    }

    /** The Keras class names this registry knows, in Keras's source order. */
    public static List<String> classNames() {
        return CLASS_NAMES;
    }

    /**
     * Builds a schedule from its Keras class name and {@code get_config()} map, as Keras's
     * {@code cls(**config)} would.
     *
     * @throws IllegalArgumentException for an unknown class name, an unknown or missing key, a value of the
     *     wrong type, a non-integral step count, or whatever Keras's constructor rejects (same message)
     */
    public static LearningRateSchedule fromConfig(String className, Map<String, Object> config) {
        Args a = new Args(className, config == null ? Map.of() : config);
        switch (className == null ? "" : className) {
            case "ExponentialDecay":
                return rateDecay(a, ExponentialDecay::new);
            case "PiecewiseConstantDecay": {
                a.bind(List.of("boundaries", "values", "name"), 2);
                List<Object> b = a.list("boundaries");
                List<Object> v = a.list("values");
                if (b.size() != v.size() - 1) {
                    throw new IllegalArgumentException(PiecewiseConstantDecay.lengthMessage(
                            PythonRepr.repr(b), b.size(), PythonRepr.repr(v), v.size()));
                }
                long[] boundaries = new long[b.size()];
                for (int i = 0; i < boundaries.length; i++) {
                    boundaries[i] = a.toSteps("boundaries", b.get(i));
                }
                double[] values = new double[v.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = a.toDouble("values", v.get(i));
                }
                return new PiecewiseConstantDecay(boundaries, values, a.name("PiecewiseConstant"));
            }
            case "PolynomialDecay": {
                a.bind(List.of("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle",
                        "name"), 2);
                a.kerasPositive("decay_steps");
                return new PolynomialDecay(a.dbl("initial_learning_rate", 0), a.steps("decay_steps", 0),
                        a.dbl("end_learning_rate", 0.0001), a.dbl("power", 1.0), a.bool("cycle", false),
                        a.name("PolynomialDecay"));
            }
            case "InverseTimeDecay":
                return rateDecay(a, InverseTimeDecay::new);
            case "CosineDecay": {
                a.bind(List.of("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                        "warmup_steps"), 2);
                a.kerasPositive("decay_steps");
                return new CosineDecay(a.dbl("initial_learning_rate", 0), a.steps("decay_steps", 0),
                        a.dbl("alpha", 0.0), a.name("CosineDecay"), a.optDbl("warmup_target"),
                        a.steps("warmup_steps", 0L));
            }
            case "CosineDecayRestarts": {
                a.bind(List.of("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"),
                        2);
                a.kerasPositive("first_decay_steps");
                return new CosineDecayRestarts(a.dbl("initial_learning_rate", 0),
                        a.steps("first_decay_steps", 0), a.dbl("t_mul", 2.0), a.dbl("m_mul", 1.0),
                        a.dbl("alpha", 0.0), a.name("SGDRDecay"));
            }
            default:
                throw new IllegalArgumentException("Unknown learning rate schedule class_name: "
                        + PythonRepr.repr(className) + ". Known: " + PythonRepr.repr(CLASS_NAMES));
        }
    }

    /** The canonical constructor shared by ExponentialDecay and InverseTimeDecay, whose Keras signatures match. */
    private interface RateDecayConstructor {
        LearningRateSchedule create(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
                String name);
    }

    /** {@code cls(initial_learning_rate, decay_steps, decay_rate, staircase=False, name=cls.__name__)}. */
    private static LearningRateSchedule rateDecay(Args a, RateDecayConstructor constructor) {
        a.bind(List.of("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"), 3);
        a.kerasPositive("decay_steps");
        return constructor.create(a.dbl("initial_learning_rate", 0), a.steps("decay_steps", 0),
                a.dbl("decay_rate", 0), a.bool("staircase", false), a.name(a.className));
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

    // ---- helpers shared by the schedule classes ----

    /** Keras's {@code decay_steps <= 0} check, with its message. */
    static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(positiveMessage(key, Long.toString(value)));
        }
    }

    private static String positiveMessage(String key, String valueRepr) {
        return "Argument `" + key + "` must be > 0. Received: " + key + "=" + valueRepr;
    }

    /**
     * Keras's {@code step / decay_steps} in float32, floored when {@code staircase} is set (the exponent of
     * ExponentialDecay, the quotient of InverseTimeDecay).
     */
    static float progress(long step, long decaySteps, boolean staircase) {
        float p = (float) step / (float) decaySteps;
        return staircase ? (float) Math.floor(p) : p;
    }

    /** {@code 1 + cos(pi * x)} in float32, with {@code pi} rounded to float32, as the cosine schedules use it. */
    static float onePlusCosPi(float x) {
        return 1f + (float) Math.cos(PI_F * x);
    }

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

    /** Typed access to one config map, with Python-style argument binding errors. */
    private static final class Args {
        private final String className;
        private final Map<String, Object> config;

        Args(String className, Map<String, Object> config) {
            this.className = className;
            this.config = config;
        }

        /** Python's keyword binding: unexpected keywords are reported before missing required ones. */
        void bind(List<String> params, int nRequired) {
            for (String key : config.keySet()) {
                if (!params.contains(key)) {
                    throw new IllegalArgumentException(className
                            + ".__init__() got an unexpected keyword argument " + PythonRepr.repr(key));
                }
            }
            List<String> missing = new ArrayList<>();
            for (String key : params.subList(0, nRequired)) {
                if (!config.containsKey(key)) {
                    missing.add(PythonRepr.repr(key));
                }
            }
            if (!missing.isEmpty()) {
                String names;
                if (missing.size() == 1) {
                    names = missing.get(0);
                } else if (missing.size() == 2) {
                    names = missing.get(0) + " and " + missing.get(1);
                } else {
                    names = String.join(", ", missing.subList(0, missing.size() - 1)) + ", and "
                            + missing.get(missing.size() - 1);
                }
                throw new IllegalArgumentException(className + ".__init__() missing " + missing.size()
                        + " required positional argument" + (missing.size() == 1 ? "" : "s") + ": " + names);
            }
        }

        /** Keras's {@code <= 0} check on the value as given, before any integrality check of ours. */
        void kerasPositive(String key) {
            Object raw = config.get(key);
            if (raw == null) {
                return;
            }
            Object v = normaliseNumber(raw);
            if (v instanceof Number n && !(v instanceof Double d && d.isNaN())) {
                boolean nonPositive = (n instanceof BigInteger bi) ? bi.signum() <= 0 : n.doubleValue() <= 0;
                if (nonPositive) {
                    throw new IllegalArgumentException(positiveMessage(key, PythonRepr.repr(v)));
                }
            }
        }

        double dbl(String key, double dflt) {
            return config.containsKey(key) ? toDouble(key, config.get(key)) : dflt;
        }

        Double optDbl(String key) {
            Object raw = config.get(key);
            return raw == null ? null : toDouble(key, raw);
        }

        long steps(String key, long dflt) {
            return config.containsKey(key) ? toSteps(key, config.get(key)) : dflt;
        }

        boolean bool(String key, boolean dflt) {
            if (!config.containsKey(key)) {
                return dflt;
            }
            Object raw = config.get(key);
            if (raw instanceof Boolean b) {
                return b;
            }
            throw bad(key, raw, "a boolean");
        }

        String name(String dflt) {
            if (!config.containsKey("name")) {
                return dflt;
            }
            Object raw = config.get("name");
            if (raw == null || raw instanceof String) {
                return (String) raw;
            }
            throw bad("name", raw, "a string or null");
        }

        List<Object> list(String key) {
            Object raw = config.get(key);
            if (!(raw instanceof List<?> l)) {
                throw bad(key, raw, "a list");
            }
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normaliseNumber(o));
            }
            return Collections.unmodifiableList(out);
        }

        double toDouble(String key, Object raw) {
            Object v = normaliseNumber(raw);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw bad(key, raw, "a float");
        }

        long toSteps(String key, Object raw) {
            Object v = normaliseNumber(raw);
            if (v instanceof Long l) {
                return l;
            }
            if (v instanceof BigInteger bi && bi.bitLength() < 64) {
                return bi.longValue();
            }
            if (v instanceof Double d && !d.isInfinite() && !d.isNaN() && d == Math.rint(d)
                    && Math.abs(d) < 0x1p63) {
                return (long) d.doubleValue();
            }
            throw bad(key, raw, "an integer step count");
        }

        private IllegalArgumentException bad(String key, Object raw, String expected) {
            return new IllegalArgumentException(className + ": argument `" + key + "` must be " + expected
                    + ". Received: " + key + "=" + safeRepr(raw));
        }
    }

    /**
     * Integer types become {@link Long} (or stay {@link BigInteger} when too big), float types and the
     * golden files' non-finite strings become {@link Double}; anything else is returned unchanged.
     */
    private static Object normaliseNumber(Object o) {
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
            Double special = PythonRepr.nonFinite(s);
            return special != null ? special : s;
        }
        return o;
    }

    private static String safeRepr(Object o) {
        try {
            return PythonRepr.repr(o);
        } catch (IllegalArgumentException e) {
            return String.valueOf(o);
        }
    }
}
