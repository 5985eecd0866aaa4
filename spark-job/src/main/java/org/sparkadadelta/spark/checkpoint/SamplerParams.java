package org.sparkadadelta.spark.checkpoint;

import org.sparkadadelta.spark.callbacks.TrainingRun;

/**
 * What the batch sampler was built from, so that a resumed run draws the same batches.
 *
 * @param rows        training rows
 * @param batchSize   rows per step (0 = full batch)
 * @param shuffleSeed the shuffle seed
 */
public record SamplerParams(long rows, long batchSize, long shuffleSeed) {
    /** The sampler of a run as its callbacks see it. */
    static SamplerParams of(TrainingRun run) {
        return new SamplerParams(run.trainingData().rows(), run.batchSize(), run.shuffleSeed());
    }
}
