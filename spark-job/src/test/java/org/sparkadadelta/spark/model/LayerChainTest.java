package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Layer} seam: a network lays its layers' variables out in Keras's order, and chains any layer, not
 * only dense ones, forward and backward.
 */
class LayerChainTest {
    @Test
    void variablesAreLaidOutLayerByLayerInKerasOrder() {
        Network net = Network.mlp(5, new int[] {4, 3}, 2);
        List<String> expected = List.of("dense/kernel[5, 4]@0", "dense/bias[4]@20", "dense_1/kernel[4, 3]@24",
                "dense_1/bias[3]@36", "dense_2/kernel[3, 2]@39", "dense_2/bias[2]@45");
        assertEquals(expected, net.layout().variables().stream().map(v -> v + "@" + v.offset()).toList());
        assertEquals(47, net.layout().size());
        List<String> fromLayers = new ArrayList<>();
        for (Layer l : net.layers()) {
            for (Layer.Variable v : l.variables()) {
                fromLayers.add(l.name() + "/" + v.name() + java.util.Arrays.toString(v.shape()));
            }
        }
        assertEquals(net.layout().variables().stream().map(VariableSpec::toString).toList(), fromLayers);
        assertEquals(List.of("dense 5->4 relu", "dense_1 4->3 relu", "dense_2 3->2 linear"),
                net.layers().stream().map(Layer::summary).toList());
    }

    @Test
    void aLayerWithoutVariablesChainsForwardAndBackward() {
        // dense -> x2 -> dense_1 computes what dense -> dense_1 computes with dense_1's kernel doubled, exactly
        // (doubling is exact in floating point): the same logits and loss, the same gradients except dense_1's
        // kernel's, which is twice the plain network's.
        Network plain = Network.mlp(5, new int[] {4}, 3);
        Network doubled = Network.of("test", List.of(new DenseLayer("dense", 5, 4, Activation.RELU),
                new Doubling(4), new DenseLayer("dense_1", 4, 3, Activation.LINEAR)),
                Loss.SPARSE_CATEGORICAL_CROSSENTROPY);
        assertEquals(plain.layout().variables(), doubled.layout().variables());
        assertArrayEquals(plain.initialParameters(4), doubled.initialParameters(4));

        Random r = new Random(2);
        float[] params = doubled.initialParameters(4);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.1 * r.nextGaussian());
        }
        VariableSpec kernel1 = plain.layout().variable("dense_1/kernel");
        float[] plainParams = params.clone();
        for (int i = kernel1.offset(); i < kernel1.offset() + kernel1.size(); i++) {
            plainParams[i] *= 2;
        }
        int rows = 11;
        float[] x = new float[rows * 5];
        float[] y = new float[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(3);
        }
        GradientSum a = new GradientSum();
        plain.accumulate(plainParams, x, y, rows, a);
        GradientSum b = new GradientSum();
        doubled.accumulate(params, x, y, rows, b);
        assertEquals(a.lossSum(), b.lossSum());
        float[] ga = a.gradientBuffer(params.length);
        float[] gb = b.gradientBuffer(params.length);
        for (int i = 0; i < params.length; i++) {
            boolean inKernel1 = i >= kernel1.offset() && i < kernel1.offset() + kernel1.size();
            assertEquals(Float.floatToRawIntBits(inKernel1 ? 2 * ga[i] : ga[i]), Float.floatToRawIntBits(gb[i]),
                    "gradient " + i);
        }
        assertArrayEquals(plain.predict(plain.weights(plainParams), x, rows),
                doubled.predict(doubled.weights(params), x, rows));
    }

    @Test
    void layersMustFitTogether() {
        assertThrows(IllegalArgumentException.class, () -> Network.of("test",
                List.of(new DenseLayer("dense", 5, 4, Activation.RELU), new DenseLayer("dense_1", 3, 2,
                        Activation.LINEAR)), Loss.MEAN_SQUARED_ERROR));
    }

    /** Multiplies its input by 2: a layer with no variables and its own output buffer. */
    private record Doubling(int width) implements Layer {
        @Override
        public String name() {
            return "doubling";
        }

        @Override
        public int inputs() {
            return width;
        }

        @Override
        public int outputs() {
            return width;
        }

        @Override
        public List<Variable> variables() {
            return List.of();
        }

        @Override
        public void initialise(float[] params, List<VariableSpec> mine, SplittableRandom random) {
        }

        @Override
        public Buffers newBuffers(DataType type) {
            return new Out(type, width);
        }

        @Override
        public INDArray forward(List<INDArray> weights, INDArray input, int rows, Buffers buffers,
                INDArray outputTemp) {
            return input.mul(2.0, PassBuffers.matrix(((Out) buffers).out, rows, width));
        }

        @Override
        public void backward(List<INDArray> weights, INDArray outputGradient, int rows, Buffers buffers,
                float[] grad, List<VariableSpec> mine, INDArray inputGradient, INDArray inputTemp) {
            if (inputGradient != null) {
                outputGradient.mul(2.0, inputGradient);
            }
        }

        @Override
        public Map<String, Object> describe(Loss output) {
            return Map.of("name", name(), "units", width);
        }

        @Override
        public String summary() {
            return "doubling " + width + "->" + width;
        }
    }

    private static final class Out implements Layer.Buffers {
        private final DataType type;
        private final int width;
        private INDArray out;

        Out(DataType type, int width) {
            this.type = type;
            this.width = width;
        }

        @Override
        public void ensureRows(int capacity) {
            out = Nd4j.create(type, (long) capacity * width);
        }
    }
}
