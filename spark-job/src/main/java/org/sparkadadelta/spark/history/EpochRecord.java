package org.sparkadadelta.spark.history;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end of an epoch, with Keras's names: {@code loss} and the metric over the epoch's batches,
 * {@code val_loss} and {@code val_<metric>} over the validation data, and the learning rate after the epoch.
 *
 * @param epoch            0-based epoch
 * @param loss             the mean of the epoch's batch losses, each weighted by its rows (Keras's {@code loss})
 * @param metric           the epoch's training metric, each batch weighted by its sample weights
 * @param validationLoss   mean loss over the validation data, or NaN without validation data
 * @param validationMetric the metric on the validation data, or NaN
 * @param learningRate     the optimizer's learning rate at the end of the epoch, before callbacks change it
 *                         (Keras's {@code learning_rate} log)
 * @param metricName       {@code accuracy} or {@code root_mean_squared_error}
 * @param seconds          wall time of the epoch including validation
 */
public record EpochRecord(int epoch, double loss, double metric, double validationLoss, double validationMetric,
        double learningRate, String metricName, double seconds) implements Serializable {

    /**
     * Keras's epoch logs, as callbacks and {@code History} see them: {@code loss}, the metric, {@code val_loss}
     * and {@code val_<metric>} (only with validation data), {@code learning_rate}.
     */
    public Map<String, Double> logs() {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        logs.put(metricName, metric);
        if (!Double.isNaN(validationLoss) || !Double.isNaN(validationMetric)) {
            logs.put("val_loss", validationLoss);
            logs.put("val_" + metricName, validationMetric);
        }
        logs.put("learning_rate", learningRate);
        return logs;
    }
}
