package org.sparkadadelta.spark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.keras.KerasFiles;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.ModelSpec;

/**
 * {@code model.init_from}: a run that starts from a Keras file instead of the seeded initialisation, resolved
 * against the config's {@code model} and {@code optimizer} sections before Spark starts.
 *
 * <ul>
 * <li>{@code .keras}: the architecture is the archive's ({@code model.type}, {@code hidden}, {@code classes}
 * may be left out; given, they must agree). With {@code model.init_optimizer} (default true) and a compiled
 * archive, the optimizer is the archive's, with its state when it has one (a model saved after training): the
 * config's {@code optimizer} section may be left out, and if given must be the same optimizer. With
 * {@code init_optimizer=false}, or an archive without an optimizer, the config's {@code optimizer} starts afresh.
 * <li>{@code .weights.h5} (or {@code .h5}): the architecture is the config's {@code model} section and the
 * optimizer its {@code optimizer} section; the file's optimizer state, if any, is restored into that optimizer
 * (unless {@code init_optimizer=false}) and must fit it.
 * </ul>
 *
 * @param model     the architecture the run trains
 * @param optimizer the Keras optimizer config the run uses
 * @param initial   the weights and (possibly empty) optimizer state to start from
 */
record KerasStart(ModelSpec model, Map<String, Object> optimizer, KerasModel initial) {

    static KerasStart resolve(String path, boolean initOptimizer, ModelSpec configuredModel,
            Map<String, Object> configuredOptimizer, Configuration hadoop) {
        String lower = path.toLowerCase(Locale.ROOT);
        KerasModel file;
        Map<String, Object> optimizer = configuredOptimizer;
        try {
            if (lower.endsWith(".keras")) {
                file = KerasFiles.read(path, hadoop);
                if (configuredModel != null && !configuredModel.equals(file.model())) {
                    throw new IllegalArgumentException("model: the config describes " + configuredModel + ", "
                            + path + " holds " + file.model() + ": remove model.type/hidden/classes to take the "
                            + "file's architecture");
                }
                if (initOptimizer && file.optimizerConfig() != null) {
                    if (configuredOptimizer != null) {
                        List<String> diff = differences(canonical(configuredOptimizer, "optimizer"),
                                canonical(file.optimizerConfig(), path + ": compile_config.optimizer"), "optimizer");
                        if (!diff.isEmpty()) {
                            throw new IllegalArgumentException("optimizer: the config's differs from the one "
                                    + "compiled into " + path + " (" + String.join("; ", diff) + "): remove the "
                                    + "optimizer section to continue with the file's optimizer and its state, or "
                                    + "set model.init_optimizer=false to start the configured one afresh");
                        }
                    }
                    optimizer = file.optimizerConfig();
                } else {
                    file = withoutState(file);
                }
            } else if (lower.endsWith(".h5")) {
                if (configuredModel == null) {
                    throw new IllegalArgumentException("Config key 'model.type' is required with a weights file in "
                            + "model.init_from (" + path + "): the file has no architecture");
                }
                file = KerasFiles.readWeights(path, configuredModel,
                        initOptimizer ? configuredOptimizer : null, hadoop);
            } else {
                throw new IllegalArgumentException("Config key 'model.init_from' must name a Keras .keras archive "
                        + "or a .weights.h5 file; got '" + path + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model.init_from " + path + ": " + e.getMessage(), e);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("Config key 'optimizer' is required: " + path + " has no compiled "
                    + "optimizer" + (initOptimizer ? "" : " to use (model.init_optimizer=false)")
                    + "; paste the JSON of keras.optimizers.serialize(keras.optimizers.Adadelta(...)) there");
        }
        try {
            OptimizerSerialization.deserialize(optimizer, message -> { });
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((optimizer == file.optimizerConfig() ? path + ": compile_config."
                    + "optimizer: " : "optimizer: ") + e.getMessage() + (optimizer == file.optimizerConfig()
                    ? " (set model.init_optimizer=false and configure an optimizer to train the file's model)" : ""),
                    e);
        }
        if (file.hasOptimizerState()) {
            requireStateFits(file);
        }
        return new KerasStart(file.model(), optimizer, file);
    }

    private static KerasModel withoutState(KerasModel file) {
        return new KerasModel(file.model(), file.features(), file.weights(), null, List.of(), file.source());
    }

    /** Restores the state into a throwaway optimizer: a mismatch is refused before Spark starts. */
    private static void requireStateFits(KerasModel file) {
        Optimizer probe = file.newOptimizer(message -> { });
        probe.build(file.variables());
        try {
            file.restoreOptimizerState(probe);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (set model.init_optimizer=false to start the "
                    + "optimizer afresh)", e);
        }
    }

    /** The config as Keras would write it back: defaults filled in, numbers normalized. */
    private static Map<String, Object> canonical(Map<String, Object> serialized, String what) {
        try {
            return OptimizerSerialization.serialize(OptimizerSerialization.deserialize(
                    JobConfig.withDefaultNames(serialized), message -> { }));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** Every leaf on which two JSON values differ, as {@code path a vs b}. */
    static List<String> differences(Object a, Object b, String path) {
        List<String> out = new ArrayList<>();
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            Map<Object, Object> keys = new LinkedHashMap<>();
            ma.keySet().forEach(k -> keys.put(k, k));
            mb.keySet().forEach(k -> keys.put(k, k));
            for (Object k : keys.keySet()) {
                out.addAll(differences(ma.get(k), mb.get(k), path + "." + k));
            }
        } else if (!Objects.equals(a, b)) {
            out.add(path + " " + a + " vs " + b);
        }
        return out;
    }
}
