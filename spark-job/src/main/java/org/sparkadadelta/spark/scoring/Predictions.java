package org.sparkadadelta.spark.scoring;

import org.sparkadadelta.spark.model.Loss;
import org.sparkadadelta.spark.model.Network;

/**
 * spark.ml's {@code prediction} and {@code probability} of one row, from its outputs as
 * {@link Network#predict} returns them (Keras's {@code predict}).
 */
final class Predictions {
    private Predictions() {
    }

    /**
     * The class probabilities of row {@code row}: the softmax outputs, or {@code [1 - p, p]} for a logistic
     * model's sigmoid output {@code p}; null for regression.
     */
    static double[] probabilities(Network network, float[] outputs, int row) {
        int n = network.outputs();
        if (network.loss() == Loss.MEAN_SQUARED_ERROR) {
            return null;
        }
        if (network.loss() == Loss.BINARY_CROSSENTROPY) {
            double p = outputs[row];
            return new double[] {1 - p, p};
        }
        double[] p = new double[n];
        for (int j = 0; j < n; j++) {
            p[j] = outputs[row * n + j];
        }
        return p;
    }

    /**
     * The prediction of row {@code row}: the value for regression, else the most probable class (the first on
     * ties; class 1 when a logistic model's probability is at least 0.5, as Keras's accuracy counts).
     *
     * @param probabilities the row's {@link #probabilities}
     */
    static double prediction(Network network, float[] outputs, int row, double[] probabilities) {
        if (probabilities == null) {
            return outputs[row];
        }
        if (network.loss() == Loss.BINARY_CROSSENTROPY) {
            return probabilities[1] >= 0.5 ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[best]) {
                best = j;
            }
        }
        return best;
    }
}
