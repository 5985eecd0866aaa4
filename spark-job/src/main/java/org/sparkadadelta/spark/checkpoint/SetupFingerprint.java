package org.sparkadadelta.spark.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.config.KerasJson;

/**
 * What a run's trajectory depends on, as flat {@code key -> value} text, recorded in each checkpoint so that
 * {@code --resume} can refuse to continue it with another setup: the Keras optimizer config
 * ({@code optimizer.config.rho}, ...), the training settings that fix the batch order
 * ({@code training.batch_size}, {@code training.shuffle_seed}), and whatever the trainer adds (the model, the
 * training data's shape and checksum). Not the epoch count, which a resumed run may raise.
 *
 * <p>A checkpoint written before fingerprints existed yields a partial one (its sampler and optimizer
 * config): only the keys it has are compared.
 */
public final class SetupFingerprint {
    private final Map<String, String> values;
    private final boolean complete;

    private SetupFingerprint(Map<String, String> values, boolean complete) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.complete = complete;
    }

    /** A fingerprint starting with the optimizer config and the sampler's settings; add the rest with put. */
    public static Builder builder(Map<String, Object> optimizerConfig, SamplerParams sampler) {
        Builder b = new Builder();
        b.flatten("optimizer", optimizerConfig);
        b.put("training.batch_size", sampler.batchSize());
        b.put("training.shuffle_seed", sampler.shuffleSeed());
        b.put("data.train.rows", sampler.rows());
        return b;
    }

    /** The keys a checkpoint from before fingerprints can still be checked on. */
    static SetupFingerprint partial(Map<String, Object> optimizerConfig, SamplerParams sampler) {
        return new SetupFingerprint(builder(optimizerConfig, sampler).values, false);
    }

    /** As written by {@link #values()}. */
    static SetupFingerprint read(Map<String, Object> values) {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException("manifest fingerprint entry '" + k + "' is not a string");
            }
            m.put(k, s);
        });
        return new SetupFingerprint(m, true);
    }

    /** Builds a fingerprint key by key, in the order the keys are reported. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String key, Object value) {
            values.put(key, value instanceof String s ? s : KerasJson.write(value));
            return this;
        }

        /** Nested objects become dotted keys; lists and scalars are leaves, as JSON text (strings bare). */
        @SuppressWarnings("unchecked")
        private void flatten(String prefix, Map<String, Object> map) {
            map.forEach((k, v) -> {
                if (v instanceof Map<?, ?> m) {
                    flatten(prefix + "." + k, (Map<String, Object>) m);
                } else {
                    put(prefix + "." + k, v);
                }
            });
        }

        public SetupFingerprint build() {
            return new SetupFingerprint(values, true);
        }
    }

    /** The keys and values, in order. */
    public Map<String, String> values() {
        return values;
    }

    /** False for a checkpoint written before fingerprints, whose model and data cannot be checked. */
    public boolean complete() {
        return complete;
    }

    /**
     * Every key on which {@code run} differs from this (a checkpoint's) fingerprint, as
     * {@code "key <checkpoint value> vs <run value>"}; keys this one lacks count only if it is complete.
     */
    public List<String> differences(SetupFingerprint run) {
        List<String> out = new ArrayList<>();
        values.forEach((key, saved) -> {
            String now = run.values.get(key);
            if (!saved.equals(now)) {
                out.add(key + " " + saved + " vs " + (now == null ? "(none)" : now));
            }
        });
        if (complete) {
            run.values.forEach((key, now) -> {
                if (!values.containsKey(key)) {
                    out.add(key + " (none) vs " + now);
                }
            });
        }
        return out;
    }
}
