package org.sparkadadelta.spark.model;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras {@code Dense} layer: {@code activation(x @ kernel + bias)}, with Keras's automatic layer name
 * ({@code dense}, {@code dense_1}, ...) so its variables are {@code dense/kernel} and {@code dense/bias}.
 * An output layer's activation is {@link Activation#LINEAR}: the loss applies the output activation.
 *
 * <p>Its passes run on ND4J's BLAS without allocating arrays: products go into the thread's arrays through
 * {@link Gemm#into}, and the kernel's gradient is computed in F order (BLAS's own) and added from there.
 */
public record DenseLayer(String name, int inputs, int units, Activation activation) implements Layer {
    /** Side of the square tiles of the kernel gradient's transposing add: 64 x 64 floats of each side, 16 KB. */
    private static final int TILE = 64;

    @Override
    public int outputs() {
        return units;
    }

    @Override
    public List<Variable> variables() {
        return List.of(new Variable("kernel", inputs, units), new Variable("bias", units));
    }

    /**
     * Keras's default initialisation: a Glorot-uniform kernel ({@code U(-l, l)},
     * {@code l = sqrt(6 / (fan_in + fan_out))}) and a zero bias.
     */
    @Override
    public void initialise(float[] params, List<VariableSpec> mine, SplittableRandom random) {
        VariableSpec kernel = mine.get(0);
        double limit = Math.sqrt(6.0 / (inputs + units));
        for (int i = 0; i < kernel.size(); i++) {
            params[kernel.offset() + i] = (float) random.nextDouble(-limit, limit);
        }
    }

    @Override
    public Layer.Buffers newBuffers(DataType type) {
        return new DenseBuffers(this, type);
    }

    @Override
    public INDArray forward(List<INDArray> weights, INDArray input, int rows, Layer.Buffers buffers,
            INDArray outputTemp) {
        DenseBuffers b = (DenseBuffers) buffers;
        b.input = input;
        b.preActivation = PassBuffers.matrix(b.preActivations, rows, units);
        Gemm.into(input, weights.get(0), b.preActivation, outputTemp).addiRowVector(weights.get(1));
        return activation == Activation.LINEAR ? b.preActivation
                : activation.applyInto(b.preActivation, PassBuffers.matrix(b.activations, rows, units));
    }

    @Override
    public void backward(List<INDArray> weights, INDArray outputGradient, int rows, Layer.Buffers buffers,
            float[] grad, List<VariableSpec> mine, INDArray inputGradient, INDArray inputTemp) {
        DenseBuffers b = (DenseBuffers) buffers;
        activation.backwardInPlace(b.preActivation, outputGradient); // d(loss)/d(pre-activation), in place
        b.input.transpose().mmuli(outputGradient, b.kernelProduct);
        addColumnMajorInto(grad, mine.get(0), b.kernelProduct, b.kernelScratch, b.tile);
        outputGradient.sum(b.biasSum, 0);
        mine.get(1).addInto(grad, b.biasSum);
        if (inputGradient != null) {
            Gemm.into(outputGradient, weights.get(0).transpose(), inputGradient, inputTemp);
        }
    }

    @Override
    public Map<String, Object> describe(Loss output) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("units", units);
        d.put("activation", output != null ? output.outputActivation() : activation.name().toLowerCase());
        return d;
    }

    @Override
    public String summary() {
        return name + " " + inputs + "->" + units + " " + activation.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Adds a kernel's products, computed in F order (BLAS's own, see {@link DenseBuffers#kernelProduct}), into
     * the kernel's row-major slice of the gradient: the same float sums as adding a C-order copy. A transposing
     * add: read in bulk into {@code scratch}, then walked in square tiles so that both sides stay in cache (a
     * column at a time wrote the gradient with a stride of a whole row; with small batches this add, O(d) per
     * step, cost more than the matrix products).
     */
    private static void addColumnMajorInto(float[] grad, VariableSpec v, INDArray g, float[] scratch, int tile) {
        int rows = (int) g.rows();
        int cols = (int) g.columns();
        int at = v.offset();
        if (g.dataType() == DataType.FLOAT) {
            g.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(0, scratch, 0, rows * cols);
        } else {
            for (int i = 0; i < rows * cols; i++) {
                scratch[i] = (float) g.data().getDouble(i);
            }
        }
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(r0 + tile, rows);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(c0 + tile, cols);
                for (int r = r0; r < r1; r++) {
                    int row = at + r * cols;
                    for (int c = c0; c < c1; c++) {
                        grad[row + c] += scratch[c * rows + r];
                    }
                }
            }
        }
    }

    /** One thread's arrays for a dense layer, and what its last forward pass left for the backward pass. */
    private static final class DenseBuffers implements Layer.Buffers {
        private final DataType type;
        private final int units;
        private final boolean activated;
        // Row-independent: the kernel product (F order, exactly its shape, so that mmuli computes straight into
        // it) and the bias sum, before they are added into the gradient.
        private final INDArray kernelProduct;
        private final float[] kernelScratch; // the kernel product on the heap, for the transposing add
        // TILE, read from a field: C2 compiled the loop with the constant itself about twice as slow (a micro-
        // benchmark of this loop: 1.0 against 0.55 ns per element).
        private final int tile;
        private final INDArray biasSum;
        private INDArray preActivations;
        private INDArray activations; // hidden layers only: the output layer's activation is the loss's
        private INDArray input;
        private INDArray preActivation;

        DenseBuffers(DenseLayer layer, DataType type) {
            this.type = type;
            this.units = layer.units;
            this.activated = layer.activation != Activation.LINEAR;
            kernelProduct = Nd4j.create(type, new long[] {layer.inputs, layer.units}, 'f');
            kernelScratch = new float[layer.inputs * layer.units];
            tile = TILE;
            biasSum = Nd4j.create(type, layer.units);
        }

        @Override
        public void ensureRows(int capacity) {
            preActivations = Nd4j.create(type, (long) capacity * units);
            if (activated) {
                activations = Nd4j.create(type, (long) capacity * units);
            }
        }
    }
}
