package org.sparkadadelta.spark.train;

import java.io.Serializable;

/**
 * The end of an epoch.
 *
 * @param epoch            0-based epoch
 * @param trainLoss        mean of the epoch's batch losses (each batch weighted by its rows)
 * @param validationLoss   mean loss over the validation data, or NaN without validation data
 * @param validationMetric accuracy (classifiers) or RMSE (regression) on the validation data, or NaN
 * @param metricName       {@code accuracy} or {@code rmse}
 * @param seconds          wall time of the epoch including validation
 */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double validationMetric,
        String metricName, double seconds) implements Serializable {
}
