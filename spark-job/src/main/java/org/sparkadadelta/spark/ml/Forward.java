package org.sparkadadelta.spark.ml;

import java.io.Serializable;
import java.util.List;
import org.sparkadadelta.spark.model.Activation;
import org.sparkadadelta.spark.model.DenseLayer;
import org.sparkadadelta.spark.model.Loss;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.model.ParameterLayout;

/**
 * A {@link Network}'s forward pass straight from its flat weights, for prediction: plain Java loops over
 * row-major batches, so tasks need neither unpacking nor ND4J's native setup. A plain class of primitive arrays,
 * cheap to ship in a closure.
 */
final class Forward implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] widths;
    private final int[] kernelOffsets;
    private final int[] biasOffsets;
    private final boolean[] relu;
    private final Loss loss;

    private Forward(int[] widths, int[] kernelOffsets, int[] biasOffsets, boolean[] relu, Loss loss) {
        this.widths = widths;
        this.kernelOffsets = kernelOffsets;
        this.biasOffsets = biasOffsets;
        this.relu = relu;
        this.loss = loss;
    }

    static Forward of(Network network) {
        List<DenseLayer> layers = network.layers();
        ParameterLayout layout = network.layout();
        int n = layers.size();
        int[] widths = new int[n + 1];
        int[] kernels = new int[n];
        int[] biases = new int[n];
        boolean[] relu = new boolean[n];
        widths[0] = network.inputs();
        for (int i = 0; i < n; i++) {
            DenseLayer l = layers.get(i);
            widths[i + 1] = l.units();
            kernels[i] = layout.variable(l.kernelPath()).offset();
            biases[i] = layout.variable(l.biasPath()).offset();
            // The output layer's activation is the loss's (sigmoid/softmax), applied by the callers.
            relu[i] = i < n - 1 && l.activation() == Activation.RELU;
        }
        return new Forward(widths, kernels, biases, relu, network.loss());
    }

    int inputs() {
        return widths[0];
    }

    int outputs() {
        return widths[widths.length - 1];
    }

    boolean classifier() {
        return loss != Loss.MEAN_SQUARED_ERROR;
    }

    /**
     * The output layer's pre-activations of {@code rows} rows.
     *
     * @param weights  the flat parameters
     * @param features row-major {@code rows x inputs()}
     * @return row-major {@code rows x outputs()}
     */
    float[] logits(float[] weights, float[] features, int rows) {
        float[] a = features;
        for (int layer = 0; layer + 1 < widths.length; layer++) {
            a = dense(weights, layer, a, rows);
        }
        return a;
    }

    /** {@code act(x @ kernel + bias)}, the kernel row-major {@code in x out}, looping so the inner loop is contiguous. */
    private float[] dense(float[] w, int layer, float[] x, int rows) {
        int in = widths[layer];
        int out = widths[layer + 1];
        int k = kernelOffsets[layer];
        int b = biasOffsets[layer];
        float[] z = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            int zr = r * out;
            System.arraycopy(w, b, z, zr, out);
            for (int i = 0; i < in; i++) {
                float xi = x[r * in + i];
                int ki = k + i * out;
                for (int j = 0; j < out; j++) {
                    z[zr + j] += xi * w[ki + j];
                }
            }
            if (relu[layer]) {
                for (int j = zr; j < zr + out; j++) {
                    z[j] = Math.max(z[j], 0f);
                }
            }
        }
        return z;
    }

    /** Class probabilities of row {@code row}: the softmax, or {@code [1 - p, p]} for a logistic model. */
    double[] probabilities(float[] logits, int row) {
        int n = outputs();
        int at = row * n;
        if (loss == Loss.BINARY_CROSSENTROPY) {
            double p = 1 / (1 + Math.exp(-(double) logits[at]));
            return new double[] {1 - p, p};
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, logits[at + j]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(logits[at + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /**
     * The prediction of row {@code row}: the value for regression, else the class with the highest probability
     * (the first on ties; class 1 when a logistic model's probability is at least 0.5, as Keras's accuracy counts).
     *
     * @param probabilities the row's {@link #probabilities}, or null for regression
     */
    double prediction(float[] logits, int row, double[] probabilities) {
        if (!classifier()) {
            return logits[row];
        }
        if (loss == Loss.BINARY_CROSSENTROPY) {
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
