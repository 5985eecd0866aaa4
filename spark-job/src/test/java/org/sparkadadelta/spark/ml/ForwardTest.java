package org.sparkadadelta.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Loss;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;

/**
 * The plain-Java forward pass against {@link Network#evaluate} (ND4J): the loss of Forward's outputs and its
 * predictions' metric (correct count, or squared error) must match the training code's.
 */
class ForwardTest {
    private static final int ROWS = 50;
    private static final int FEATURES = 5;

    @ParameterizedTest
    @ValueSource(strings = {"linear", "logistic", "softmax", "mlp"})
    void agreesWithTheTrainingNetwork(String type) {
        Network network = new ModelSpec(type, new int[] {7, 4}, 3).build(FEATURES);
        Random random = new Random(type.hashCode());
        float[] weights = network.initialParameters(3);
        for (int i = 0; i < weights.length; i++) { // non-zero biases too
            weights[i] += (float) (0.3 * random.nextGaussian());
        }
        float[] x = new float[ROWS * FEATURES];
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < FEATURES; c++) {
                x[r * FEATURES + c] = (float) random.nextGaussian();
            }
            y[r] = network.classes() == 0 ? (float) random.nextGaussian() : random.nextInt(network.classes());
        }
        GradientSum expected = new GradientSum();
        network.evaluate(network.weights(weights), x, y, ROWS, expected);

        Forward forward = Forward.of(network);
        float[] logits = forward.logits(weights, x, ROWS);
        double loss = 0;
        double metric = 0;
        for (int r = 0; r < ROWS; r++) {
            double[] p = forward.classifier() ? forward.probabilities(logits, r) : null;
            double prediction = forward.prediction(logits, r, p);
            if (network.loss() == Loss.MEAN_SQUARED_ERROR) {
                loss += (prediction - y[r]) * (prediction - y[r]);
                metric += (prediction - y[r]) * (prediction - y[r]);
            } else {
                loss -= Math.log(p[(int) y[r]]);
                metric += prediction == y[r] ? 1 : 0;
            }
        }
        assertEquals(expected.lossSum(), loss, 1e-4 * ROWS);
        assertEquals(expected.metricSum(), metric, network.classes() == 0 ? 1e-4 * ROWS : 0);
    }
}
