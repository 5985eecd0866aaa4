package org.sparkadadelta.spark.train;

import java.io.Serializable;

/**
 * How to train, apart from the model and the optimizer.
 *
 * @param epochs            passes over the training data (at least 1)
 * @param batchSize         rows per optimizer step; 0 or less means full batch
 * @param shuffleSeed       seed of the per-epoch shuffles
 * @param modelSeed         seed of the Glorot-uniform initialisation
 * @param treeDepth         depth of Spark's {@code treeAggregate} (2 is Spark's default)
 * @param stopOnDivergence  stop with an error when the loss becomes NaN or infinite (Keras itself goes on)
 */
public record TrainingOptions(int epochs, long batchSize, long shuffleSeed, long modelSeed, int treeDepth,
        boolean stopOnDivergence) implements Serializable {

    public static final TrainingOptions DEFAULTS = new TrainingOptions(10, 32, 1, 42, 2, true);

    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("training.epochs must be >= 1; got " + epochs);
        }
        if (treeDepth < 1) {
            throw new IllegalArgumentException("training.tree_depth must be >= 1; got " + treeDepth);
        }
    }

    public TrainingOptions withEpochs(int value) {
        return new TrainingOptions(value, batchSize, shuffleSeed, modelSeed, treeDepth, stopOnDivergence);
    }

    public TrainingOptions withBatchSize(long value) {
        return new TrainingOptions(epochs, value, shuffleSeed, modelSeed, treeDepth, stopOnDivergence);
    }
}
