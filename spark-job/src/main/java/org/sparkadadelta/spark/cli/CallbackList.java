package org.sparkadadelta.spark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.KerasArguments;
import org.sparkadadelta.spark.callbacks.CallbackConfig;

/**
 * The config's callbacks ({@code training.callbacks}, or top-level {@code callbacks}), checked before Spark
 * starts: each is built once from its Keras config, so an unknown class, argument or value is an error naming
 * {@code training.callbacks[i]}. A {@code ModelCheckpoint} becomes the job's checkpoint settings.
 */
final class CallbackList {
    /** A {@code ModelCheckpoint}'s settings: where, how often ({@code 0} = every epoch), how many kept. */
    record Checkpoints(String path, long saveFreq, int keep) {
    }

    private final String key;
    private final List<Map<String, Object>> others;
    private final Checkpoints checkpoints;

    private CallbackList(String key, List<Map<String, Object>> others, Checkpoints checkpoints) {
        this.key = key;
        this.others = others;
        this.checkpoints = checkpoints;
    }

    static CallbackList of(ConfigTree root, ConfigTree training) {
        List<Map<String, Object>> top = root.rawObjectList("callbacks");
        List<Map<String, Object>> inTraining = training.rawObjectList("callbacks");
        if (!top.isEmpty() && !inTraining.isEmpty()) {
            throw new IllegalArgumentException("Config keys 'callbacks' and 'training.callbacks' both list callbacks: "
                    + "use one");
        }
        String key = top.isEmpty() ? training.fullKey("callbacks") : root.fullKey("callbacks");
        List<Map<String, Object>> all = top.isEmpty() ? inTraining : top;
        List<Map<String, Object>> others = new ArrayList<>();
        Checkpoints checkpoints = null;
        for (int i = 0; i < all.size(); i++) {
            Map<String, Object> c = all.get(i);
            try {
                if ("ModelCheckpoint".equals(c.get("class_name"))) {
                    if (checkpoints != null) {
                        throw new IllegalArgumentException("only one ModelCheckpoint is supported");
                    }
                    checkpoints = modelCheckpoint(c);
                } else {
                    CallbackConfig.deserialize(c, Map.of());
                    others.add(c);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Config key '" + key + "[" + i + "]': " + e.getMessage(), e);
            }
        }
        return new CallbackList(key, List.copyOf(others), checkpoints);
    }

    /**
     * Keras's {@code ModelCheckpoint(filepath, save_freq="epoch")} for our checkpoints (the whole training
     * state, always): {@code save_freq} a number of steps or {@code "epoch"}; {@code keep} (ours) how many to keep.
     * {@code save_best_only} and {@code save_weights_only} are accepted at their defaults only.
     */
    private static Checkpoints modelCheckpoint(Map<String, Object> serialized) {
        Object config = serialized.getOrDefault("config", Map.of());
        if (!(config instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("config of ModelCheckpoint must be an object; got " + config);
        }
        @SuppressWarnings("unchecked")
        KerasArguments a = new KerasArguments((Map<String, Object>) m);
        String path = CallbackConfig.requiredString(a, "filepath");
        long saveFreq = 0;
        Object freq = a.has("save_freq") ? a.pop("save_freq") : "epoch";
        if (freq instanceof Number n && n.doubleValue() >= 1 && n.doubleValue() == Math.rint(n.doubleValue())) {
            saveFreq = n.longValue();
        } else if (!"epoch".equals(freq)) {
            throw new IllegalArgumentException("Argument `save_freq` must be 'epoch' or an integer >= 1. Received: "
                    + "save_freq=" + freq);
        }
        int keep = CallbackConfig.integer(a, "keep", 3);
        if (keep < 1) {
            throw new IllegalArgumentException("Argument `keep` must be an integer >= 1. Received: keep=" + keep);
        }
        for (String flag : List.of("save_best_only", "save_weights_only")) {
            if (a.popBoolean(flag, false)) {
                throw new IllegalArgumentException("ModelCheckpoint here always saves the whole training state of "
                        + "every save: `" + flag + "` must be false");
            }
        }
        a.rejectLeftovers(keys -> "ModelCheckpoint got unexpected keyword argument" + (keys.size() > 1 ? "s " : " ")
                + keys);
        return new Checkpoints(path, saveFreq, keep);
    }

    /** Callbacks that set the learning rate need a float one, as Keras refuses to assign over a schedule. */
    void requireSupportedBy(Optimizer optimizer) {
        if (optimizer.learningRate() instanceof LearningRate.Constant) {
            return;
        }
        for (int i = 0; i < others.size(); i++) {
            if ("ReduceLROnPlateau".equals(others.get(i).get("class_name"))) {
                throw new IllegalArgumentException("Config key '" + key + "[" + i + "]': ReduceLROnPlateau sets the "
                        + "optimizer's learning rate, but the optimizer has a schedule (expected a float "
                        + "learning_rate, got " + optimizer.learningRate().getClass().getSimpleName() + "); as Keras "
                        + "says: This optimizer was created with a `LearningRateSchedule` object as its "
                        + "`learning_rate` constructor argument, hence its learning rate is not settable.");
            }
        }
    }

    Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The callbacks other than ModelCheckpoint, as configured. */
    List<Map<String, Object>> others() {
        return others;
    }
}
