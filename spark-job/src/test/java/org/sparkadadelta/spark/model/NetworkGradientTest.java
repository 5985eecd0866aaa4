package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Back-propagated gradients against central finite differences of the summed loss, computed in float64
 * so that the difference quotient is accurate, for every model kind.
 */
class NetworkGradientTest {
    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(Network.linearRegression(5), 0),
                Arguments.of(Network.logisticRegression(5), 2),
                Arguments.of(Network.softmaxRegression(5, 4), 4),
                Arguments.of(Network.mlp(5, new int[] {7, 6}, 3), 3));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void gradientsMatchFiniteDifferences(Network net, int classes) {
        int rows = 9;
        Random r = new Random(3);
        float[] x = features(r, rows, net);
        float[] y = labels(r, rows, classes);
        float[] params = net.initialParameters(11);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.1 * r.nextGaussian()); // non-zero biases too
        }
        GradientSum analytic = new GradientSum();
        net.accumulate(params, x, y, rows, 1f, analytic, DataType.DOUBLE);
        float[] grad = analytic.gradientBuffer(params.length);
        assertEquals(rows, analytic.count());

        double worst = 0;
        for (int p = 0; p < params.length; p++) {
            float saved = params[p];
            params[p] = saved + 1e-3f;
            double up = loss(net, params, x, y, rows);
            float upValue = params[p];
            params[p] = saved - 1e-3f;
            double down = loss(net, params, x, y, rows);
            double numeric = (up - down) / ((double) upValue - params[p]);
            params[p] = saved;
            double err = Math.abs(numeric - grad[p]) / Math.max(1.0, Math.abs(numeric));
            worst = Math.max(worst, err);
        }
        assertTrue(worst < 1e-4, net.describe() + ": worst relative gradient error " + worst);
    }

    @ParameterizedTest
    @MethodSource("networks")
    void aLossScaleMultipliesTheGradientButNotTheLoss(Network net, int classes) {
        int rows = 9;
        Random r = new Random(4);
        float[] x = features(r, rows, net);
        float[] y = labels(r, rows, classes);
        float[] params = net.initialParameters(12);
        GradientSum plain = new GradientSum();
        net.accumulate(params, x, y, rows, plain);
        GradientSum scaled = new GradientSum();
        net.accumulate(params, x, y, rows, 1024f, scaled);
        float[] g = plain.gradientBuffer(params.length);
        float[] gs = scaled.gradientBuffer(params.length);
        // A power of two scales every product and sum exactly: the float32 gradient is 1024 times the plain one.
        for (int p = 0; p < params.length; p++) {
            assertEquals(Float.floatToRawIntBits(1024f * g[p]), Float.floatToRawIntBits(gs[p]), "gradient " + p);
        }
        assertEquals(plain.lossSum(), scaled.lossSum(), "the loss is reported unscaled");
        assertEquals(plain.metricSum(), scaled.metricSum());
    }

    /** Standard normal features, drawn before the labels. */
    private static float[] features(Random r, int rows, Network net) {
        float[] x = new float[rows * net.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Class indices below {@code classes}, or standard normal targets for regression ({@code classes == 0}). */
    private static float[] labels(Random r, int rows, int classes) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = classes == 0 ? (float) r.nextGaussian() : r.nextInt(classes);
        }
        return y;
    }

    private static double loss(Network net, float[] params, float[] x, float[] y, int rows) {
        GradientSum s = new GradientSum();
        net.accumulate(params, x, y, rows, 1f, s, DataType.DOUBLE);
        return s.lossSum();
    }
}
