package org.sparkadadelta.spark.history;

import java.io.Serializable;

/**
 * One optimizer {@code apply}: the mean training loss and metric of its mini-batch and the learning rate it used.
 *
 * @param step          0-based global step ({@code apply} call) index
 * @param epoch         0-based epoch
 * @param stepInEpoch   0-based index within the epoch
 * @param loss          the batch's loss as Keras reduces it: summed (sample-weighted) row losses over the rows
 * @param metric        the batch's metric (accuracy, or RMSE for regression), sample-weighted as Keras weighs it
 * @param learningRate  the learning rate the optimizer used for this step
 * @param examples      rows in the batch
 * @param weight        the batch's summed sample weights ({@code examples} without weights)
 * @param seconds       wall time of the step (aggregation and update); where micro-steps share a Spark job
 *                      (gradient accumulation), the first of them carries the job's time
 */
public record StepRecord(long step, int epoch, int stepInEpoch, double loss, double metric, double learningRate,
        long examples, double weight, double seconds) implements Serializable {
}
