package org.sparkadadelta.optim.schedules;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.python.PythonNumbers;
import org.sparkadadelta.optim.python.PythonRepr;

/**
 * One schedule's Keras config map, read as Keras's {@code cls(**config)} binds it: Python-style keyword
 * binding errors, typed access, and Keras's own checks on the values as given.
 */
final class ScheduleArguments {
    private final String className;
    private final Map<String, Object> config;

    ScheduleArguments(String className, Map<String, Object> config) {
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
        Object v = PythonNumbers.normalise(raw);
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
            out.add(PythonNumbers.normalise(o));
        }
        return Collections.unmodifiableList(out);
    }

    double toDouble(String key, Object raw) {
        Object v = PythonNumbers.normalise(raw);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw bad(key, raw, "a float");
    }

    long toSteps(String key, Object raw) {
        Object v = PythonNumbers.normalise(raw);
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

    private static String safeRepr(Object o) {
        try {
            return PythonRepr.repr(o);
        } catch (IllegalArgumentException e) {
            return String.valueOf(o);
        }
    }

    /** Keras's {@code decay_steps <= 0} check, with its message. */
    static void requirePositive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(positiveMessage(key, Long.toString(value)));
        }
    }

    /** Keras's {@code <= 0} message for a step count, the value printed as Python would. */
    static String positiveMessage(String key, String valueRepr) {
        return "Argument `" + key + "` must be > 0. Received: " + key + "=" + valueRepr;
    }

    /** The canonical constructor shared by ExponentialDecay and InverseTimeDecay, whose Keras signatures match. */
    interface RateDecayConstructor<S extends LearningRateSchedule> {
        S create(double initialLearningRate, long decaySteps, double decayRate, boolean staircase, String name);
    }

    /** {@code cls(initial_learning_rate, decay_steps, decay_rate, staircase=False, name=cls.__name__)}. */
    <S extends LearningRateSchedule> S rateDecay(RateDecayConstructor<S> constructor) {
        bind(List.of("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name"), 3);
        kerasPositive("decay_steps");
        return constructor.create(dbl("initial_learning_rate", 0), steps("decay_steps", 0), dbl("decay_rate", 0),
                bool("staircase", false), name(className));
    }
}
