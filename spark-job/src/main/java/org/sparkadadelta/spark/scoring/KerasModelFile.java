package org.sparkadadelta.spark.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.keras.KerasFiles;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.output.OptimizerState;

/**
 * Where {@link TrainedModel#load} reads a Keras {@code .keras} file ({@link KerasFiles#read}): the architecture,
 * the weights and, when the archive was compiled with an optimizer this job has, its config and iteration count.
 */
final class KerasModelFile {
    static final String EXTENSION = ".keras";

    private KerasModelFile() {
    }

    static TrainedModel load(String path, Configuration conf) {
        KerasModel model;
        try {
            model = KerasFiles.read(path, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model at " + path + ": " + e.getMessage(), e);
        }
        String name = new Path(path).getName();
        return new TrainedModel(name.substring(0, name.length() - EXTENSION.length()), model.model(),
                model.features(), model.weights(), optimizer(model), Map.of());
    }

    /** The optimizer's config and iterations, or null: none compiled in, or one this job lacks (not needed to score). */
    private static OptimizerState optimizer(KerasModel model) {
        if (model.optimizerConfig() == null) {
            return null;
        }
        try {
            Optimizer optimizer = model.newOptimizer(message -> { });
            if (model.hasOptimizerState()) {
                optimizer.build(model.variables());
                model.restoreOptimizerState(optimizer);
            }
            return OptimizerState.of(optimizer);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
