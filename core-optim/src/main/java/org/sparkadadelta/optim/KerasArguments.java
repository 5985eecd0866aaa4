package org.sparkadadelta.optim;

import static org.sparkadadelta.optim.python.PythonRepr.repr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.sparkadadelta.optim.schedules.LearningRateSchedule;
import org.sparkadadelta.optim.schedules.Schedules;

/**
 * Keras-style keyword arguments ({@code cls(**config)}) as a map of loosely typed values, read the way a
 * Keras constructor reads them: each optimizer takes its own keys, the shared ones are checked in Keras's
 * order, and anything left over is an error naming it.
 *
 * <p>Values come from parsed JSON ({@link Integer}, {@link Long}, {@link Double}, {@link String},
 * {@link Boolean}, null, {@link Map}) or from Java callers, who may also pass a {@link LearningRate},
 * {@link LearningRateSchedule} or {@link DoubleSupplier} as {@code learning_rate}.
 */
public final class KerasArguments {
    private final Map<String, Object> remaining;

    public KerasArguments(Map<String, ?> arguments) {
        this.remaining = new LinkedHashMap<>(arguments);
    }

    public boolean has(String key) {
        return remaining.containsKey(key);
    }

    /** Removes and returns a raw value (null when absent or None). */
    public Object pop(String key) {
        return remaining.remove(key);
    }

    /** Fails with {@code message(keys)} when any argument was not taken. */
    public void rejectLeftovers(Function<List<String>, String> message) {
        if (!remaining.isEmpty()) {
            throw new IllegalArgumentException(message.apply(new ArrayList<>(remaining.keySet())));
        }
    }

    public double popDouble(String key, double defaultValue) {
        if (!remaining.containsKey(key)) {
            return defaultValue;
        }
        Double d = number(key, remaining.remove(key));
        if (d == null) {
            throw new IllegalArgumentException("Argument `" + key + "` must be a number. Received: " + key + "=None");
        }
        return d;
    }

    public Double popNullableDouble(String key) {
        return number(key, remaining.remove(key));
    }

    /** An integer argument; a float is accepted only when integral (Keras does not check the type). */
    public Integer popNullableInteger(String key) {
        Object v = remaining.remove(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return Math.toIntExact(((Number) v).longValue());
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw new IllegalArgumentException("Argument `" + key + "` must be an integer or None. Received: "
                + key + "=" + repr(v));
    }

    public boolean popBoolean(String key, boolean defaultValue) {
        if (!remaining.containsKey(key)) {
            return defaultValue;
        }
        Object v = remaining.remove(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("Argument `" + key + "` must be True or False. Received: " + key + "="
                + repr(v));
    }

    public String popName() {
        Object v = remaining.remove("name");
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException("Argument `name` must be a string. Received: name=" + repr(v));
    }

    private static Double number(String key, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && !(v instanceof Float)) {
            return n.doubleValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        throw new IllegalArgumentException("Argument `" + key + "` must be a number. Received: " + key + "="
                + repr(v));
    }

    /**
     * Reads the arguments every Keras optimizer shares, in the order Keras's base constructor checks them:
     * {@code decay} (warned about and ignored), unrecognised leftovers, accumulation, EMA, clipping, and
     * finally the learning rate. Call after the optimizer has popped its own keys.
     */
    public OptimizerOptions popBaseOptions(double defaultLearningRate, WarningListener warnings) {
        Object lr = remaining.containsKey("learning_rate") ? remaining.remove("learning_rate") : defaultLearningRate;
        String name = popName();
        Double weightDecay = popNullableDouble("weight_decay");
        Double clipnorm = popNullableDouble("clipnorm");
        Double clipvalue = popNullableDouble("clipvalue");
        Double globalClipnorm = popNullableDouble("global_clipnorm");
        boolean useEma = popBoolean("use_ema", false);
        double emaMomentum = popDouble("ema_momentum", OptimizerOptions.DEFAULT_EMA_MOMENTUM);
        Object overwrite = remaining.remove("ema_overwrite_frequency");
        Double lossScaleFactor = popNullableDouble("loss_scale_factor");
        Integer accumulation = popNullableInteger("gradient_accumulation_steps");
        Object decay = remaining.remove("decay");
        if (decay != null) {
            warnings.warn("Argument `decay` is no longer supported and will be ignored.");
        }
        if (!remaining.isEmpty()) {
            throw new IllegalArgumentException("Argument(s) not recognized: " + repr(remaining));
        }
        Integer overwriteFrequency = overwriteFrequency(overwrite, useEma);
        OptimizerOptions.validate(accumulation, useEma, emaMomentum, overwriteFrequency, clipnorm, clipvalue,
                globalClipnorm);
        return new OptimizerOptions(name, learningRate(lr), weightDecay, clipnorm, globalClipnorm, clipvalue,
                useEma, emaMomentum, overwriteFrequency, lossScaleFactor, accumulation);
    }

    /** Keras rejects a non-int overwrite frequency only when EMA is on; otherwise an integral float is kept. */
    private static Integer overwriteFrequency(Object v, boolean useEma) {
        if (v == null || v instanceof Integer || v instanceof Long) {
            return v == null ? null : Math.toIntExact(((Number) v).longValue());
        }
        if (useEma) {
            throw OptimizerOptions.invalidOverwriteFrequency(v);
        }
        return new KerasArguments(Map.of("ema_overwrite_frequency", v)).popNullableInteger("ema_overwrite_frequency");
    }

    /**
     * Keras accepts a Python float, a schedule (a config dict when deserializing) or a callable. An int, a
     * float32 scalar ({@link Float} here), a string or None is rejected with Keras's message.
     */
    public static LearningRate learningRate(Object v) {
        if (v instanceof Double d) {
            return LearningRate.of(d);
        }
        if (v instanceof LearningRate lr) {
            return lr;
        }
        if (v instanceof LearningRateSchedule s) {
            return LearningRate.of(s);
        }
        if (v instanceof DoubleSupplier s) {
            return LearningRate.of(s);
        }
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> serialized = (Map<String, Object>) m;
            return LearningRate.of(Schedules.deserialize(serialized));
        }
        throw OptimizerOptions.invalidLearningRate(v instanceof String s ? s : repr(v));
    }
}
