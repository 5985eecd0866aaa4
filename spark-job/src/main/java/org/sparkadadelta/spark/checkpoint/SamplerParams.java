package org.sparkadadelta.spark.checkpoint;

/**
 * What the batch sampler was built from, so that a resumed run draws the same batches.
 *
 * @param rows        training rows
 * @param batchSize   rows per step (0 = full batch)
 * @param shuffleSeed the shuffle seed
 */
public record SamplerParams(long rows, long batchSize, long shuffleSeed) {
}
