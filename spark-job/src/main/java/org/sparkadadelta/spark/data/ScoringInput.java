package org.sparkadadelta.spark.data;

/**
 * Data loaded for scoring.
 *
 * @param data     the rows, checked, numbered and cached as for training
 * @param labelled whether the rows' labels come from the data's label column (else they are 0 and mean nothing)
 */
public record ScoringInput(TrainingData data, boolean labelled) {
}
