package org.sparkadadelta.spark.train;

import java.io.Serializable;

/**
 * One optimizer {@code apply}: the mean training loss of its mini-batch and the learning rate it used.
 *
 * @param step          0-based global step ({@code apply} call) index
 * @param epoch         0-based epoch
 * @param stepInEpoch   0-based index within the epoch
 * @param loss          mean loss over the batch, before the update
 * @param learningRate  the learning rate the optimizer used for this step
 * @param examples      rows in the batch
 * @param seconds       wall time of the step (aggregation and update); where micro-steps share a Spark job
 *                      (gradient accumulation), the first of them carries the job's time
 */
public record StepRecord(long step, int epoch, int stepInEpoch, double loss, double learningRate, long examples,
        double seconds) implements Serializable {
}
