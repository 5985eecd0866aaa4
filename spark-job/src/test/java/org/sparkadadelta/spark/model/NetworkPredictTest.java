package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Network#predict} (Keras's {@code predict}: probabilities or values) against the training code's
 * {@link Network#evaluate}: the loss of the predicted outputs and the predictions' metric (correct count, or
 * squared error) must match, and the outputs must be the output activation of the logits bit for bit.
 */
class NetworkPredictTest {
    private static final int ROWS = 50;
    private static final int FEATURES = 5;

    @ParameterizedTest
    @ValueSource(strings = {"linear", "logistic", "softmax", "mlp"})
    void agreesWithTheTrainingNetwork(String type) {
        Network network = new ModelSpec(type, new int[] {7, 4}, 3).build(FEATURES);
        Random random = new Random(type.hashCode());
        float[] weights = randomWeights(network, random);
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

        float[] out = network.predict(network.weights(weights), x, ROWS);
        assertEquals(ROWS * network.outputs(), out.length);
        double loss = 0;
        double metric = 0;
        for (int r = 0; r < ROWS; r++) {
            switch (network.loss()) {
                case MEAN_SQUARED_ERROR -> {
                    loss += (out[r] - y[r]) * (out[r] - y[r]);
                    metric += (out[r] - y[r]) * (out[r] - y[r]);
                }
                case BINARY_CROSSENTROPY -> {
                    loss -= Math.log(y[r] == 1 ? out[r] : 1 - out[r]);
                    metric += (out[r] >= 0.5f ? 1 : 0) == y[r] ? 1 : 0;
                }
                default -> {
                    int best = 0;
                    for (int j = 1; j < network.outputs(); j++) {
                        best = out[r * network.outputs() + j] > out[r * network.outputs() + best] ? j : best;
                    }
                    loss -= Math.log(out[r * network.outputs() + (int) y[r]]);
                    metric += best == y[r] ? 1 : 0;
                }
            }
        }
        assertEquals(expected.lossSum(), loss, 1e-4 * ROWS);
        assertEquals(expected.metricSum(), metric, network.classes() == 0 ? 1e-4 * ROWS : 0);
    }

    /** A single-layer model's outputs are its activation of x @ kernel + bias, computed here independently. */
    @ParameterizedTest
    @ValueSource(strings = {"logistic", "softmax"})
    void outputsAreTheActivationOfTheLogits(String type) {
        Network network = new ModelSpec(type, null, 4).build(FEATURES);
        Random random = new Random(7);
        float[] weights = randomWeights(network, random);
        float[] x = new float[3 * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        var kernel = Nd4j.createFromArray(java.util.Arrays.copyOf(weights, FEATURES * network.outputs()))
                .reshape(FEATURES, network.outputs());
        var bias = Nd4j.createFromArray(java.util.Arrays.copyOfRange(weights, FEATURES * network.outputs(),
                weights.length));
        var logits = Nd4j.createFromArray(x).reshape(3, FEATURES).mmul(kernel).addiRowVector(bias);
        var expected = type.equals("logistic") ? Transforms.sigmoid(logits, true) : Transforms.softmax(logits, true);
        assertArrayEquals(expected.dup('c').data().asFloat(), network.predict(network.weights(weights), x, 3),
                1e-6f);
    }

    private static float[] randomWeights(Network network, Random random) {
        float[] weights = network.initialParameters(3);
        for (int i = 0; i < weights.length; i++) { // non-zero biases too
            weights[i] += (float) (0.3 * random.nextGaussian());
        }
        return weights;
    }
}
