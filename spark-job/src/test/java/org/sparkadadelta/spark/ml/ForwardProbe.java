package org.sparkadadelta.spark.ml;

import org.sparkadadelta.spark.model.Network;

/** Our predictions for tests outside this package: {@link Forward}'s class probabilities of each row. */
public final class ForwardProbe {
    private ForwardProbe() {
    }

    /** {@code rows x classes} probabilities of row-major {@code features}. */
    public static double[][] probabilities(Network network, float[] weights, float[] features, int rows) {
        Forward forward = Forward.of(network);
        float[] logits = forward.logits(weights, features, rows);
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = forward.probabilities(logits, r);
        }
        return out;
    }
}
