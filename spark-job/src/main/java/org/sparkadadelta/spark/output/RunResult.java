package org.sparkadadelta.spark.output;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.history.History;

/**
 * Everything a finished run writes out. The maps are free-form JSON-able values (strings, numbers,
 * booleans, lists, maps) and keep their insertion order in the JSON files.
 *
 * @param runName   shown in plot titles and the manifest
 * @param layout    the model's variables
 * @param weights   the final weights, laid out as {@code layout}
 * @param history   per-step and per-epoch records
 * @param optimizer the optimizer's Keras config and iteration counts
 * @param model     a description of the model, e.g. its architecture
 * @param dataset   what it was trained on, e.g. source, rows, features, classes
 * @param metrics   the final metrics, e.g. {@code test_accuracy}, {@code test_loss}, {@code train_seconds}
 * @param keras     the model and its optimizer state for {@code model.keras} and {@code model.weights.h5}, or
 *                  null to write neither
 */
public record RunResult(String runName, ParameterLayout layout, float[] weights, History history,
        OptimizerState optimizer, Map<String, Object> model, Map<String, Object> dataset,
        Map<String, Object> metrics, KerasModel keras) {
    /** A result without Keras files. */
    public RunResult(String runName, ParameterLayout layout, float[] weights, History history,
            OptimizerState optimizer, Map<String, Object> model, Map<String, Object> dataset,
            Map<String, Object> metrics) {
        this(runName, layout, weights, history, optimizer, model, dataset, metrics, null);
    }

    public RunResult {
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(optimizer, "optimizer");
        WeightsFile.checkSize(layout, weights);
        model = ordered(model);
        dataset = ordered(dataset);
        metrics = ordered(metrics);
    }

    // Map.copyOf would refuse null values (JSON null) and lose the order.
    static Map<String, Object> ordered(Map<String, Object> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
