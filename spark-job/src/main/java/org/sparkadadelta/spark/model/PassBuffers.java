package org.sparkadadelta.spark.model;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The off-heap arrays one thread's forward and backward passes write into, kept from call to call (and task
 * to task: Spark reuses its task threads) for each network shape. Allocating them afresh for every block
 * costs more than the arithmetic on these machines (first-touch page faults of every new off-heap array).
 * Row-dependent arrays hold {@link #capacity()} rows and grow when a call has more; a call uses views of
 * their first rows (offset 0, C order, contiguous: the same BLAS calls as freshly allocated arrays).
 */
final class PassBuffers {
    private static final int MAX_SHAPES_PER_THREAD = 8;
    private static final ThreadLocal<Map<String, PassBuffers>> PER_THREAD = ThreadLocal.withInitial(HashMap::new);

    private final DataType type;
    private final int inputs;
    private final int[] units;
    private int capacity;
    private INDArray features;
    private INDArray[] preActivations;
    private INDArray[] activations;
    private INDArray[] deltas;
    private INDArray[] productTemps; // F order: where each layer's row-dependent products are computed
    private INDArray rowsA;
    private INDArray rowsB;
    // Row-independent: each layer's kernel product (F order, exactly its shape, so that mmuli computes straight
    // into it) and bias sum, before they are added into the gradient.
    private final INDArray[] kernelProducts;
    private final INDArray[] biasSums;

    private PassBuffers(List<DenseLayer> layers, DataType type) {
        this.type = type;
        this.inputs = layers.get(0).inputs();
        this.units = layers.stream().mapToInt(DenseLayer::units).toArray();
        kernelProducts = new INDArray[units.length];
        biasSums = new INDArray[units.length];
        for (int i = 0; i < units.length; i++) {
            kernelProducts[i] = Nd4j.create(type, new long[] {layers.get(i).inputs(), units[i]}, 'f');
            biasSums[i] = Nd4j.create(type, units[i]);
        }
    }

    /** This thread's buffers for {@code layers} in {@code type}, with room for at least {@code rows} rows. */
    static PassBuffers forThread(List<DenseLayer> layers, DataType type, int rows) {
        Map<String, PassBuffers> mine = PER_THREAD.get();
        String key = type + ":" + layers.get(0).inputs() + layers.stream().map(l -> "-" + l.units())
                .reduce("", String::concat);
        PassBuffers b = mine.get(key);
        if (b == null) {
            if (mine.size() >= MAX_SHAPES_PER_THREAD) {
                mine.clear(); // tests build many small networks; a job has one or two shapes
            }
            b = new PassBuffers(layers, type);
            mine.put(key, b);
        }
        b.ensureRows(rows);
        return b;
    }

    int capacity() {
        return capacity;
    }

    private void ensureRows(int rows) {
        if (rows <= capacity) {
            return;
        }
        capacity = Math.max(rows, capacity + capacity / 2);
        features = Nd4j.create(type, (long) capacity * inputs);
        preActivations = new INDArray[units.length];
        activations = new INDArray[units.length];
        deltas = new INDArray[units.length];
        productTemps = new INDArray[units.length];
        for (int i = 0; i < units.length; i++) {
            preActivations[i] = Nd4j.create(type, (long) capacity * units[i]);
            productTemps[i] = Nd4j.create(type, (long) capacity * units[i]);
            if (i < units.length - 1) { // hidden layers: their activation, and the delta flowing into them
                activations[i] = Nd4j.create(type, (long) capacity * units[i]);
                deltas[i] = Nd4j.create(type, (long) capacity * units[i]);
            }
        }
        rowsA = Nd4j.create(type, capacity);
        rowsB = Nd4j.create(type, capacity);
    }

    /** The first {@code rows} rows of the features buffer, filled with {@code values} (row-major). */
    INDArray features(float[] values, int rows) {
        int n = rows * inputs;
        if (type == DataType.FLOAT) {
            features.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(values, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                features.data().put(i, values[i]);
            }
        }
        return matrix(features, rows, inputs);
    }

    INDArray preActivation(int layer, int rows) {
        return matrix(preActivations[layer], rows, units[layer]);
    }

    INDArray activation(int layer, int rows) {
        return matrix(activations[layer], rows, units[layer]);
    }

    /** d(loss)/d(activation of hidden layer {@code layer}). */
    INDArray delta(int layer, int rows) {
        return matrix(deltas[layer], rows, units[layer]);
    }

    /** Room for a [rows, units of {@code layer}] product in F order (see {@link Gemm}). */
    INDArray productTemp(int layer, int rows) {
        return vector(productTemps[layer], rows * units[layer]).reshape('f', rows, units[layer]);
    }

    /** [inputs, units] of {@code layer}, F order, not a view. */
    INDArray kernelProduct(int layer) {
        return kernelProducts[layer];
    }

    INDArray biasSum(int layer) {
        return biasSums[layer];
    }

    /** Two per-row vectors of {@code rows} elements (losses and their parts). */
    INDArray rowsA(int rows) {
        return vector(rowsA, rows);
    }

    INDArray rowsB(int rows) {
        return vector(rowsB, rows);
    }

    private static INDArray vector(INDArray flat, int length) {
        return length == flat.length() ? flat : flat.get(NDArrayIndex.interval(0, length));
    }

    private static INDArray matrix(INDArray flat, int rows, int cols) {
        return vector(flat, rows * cols).reshape('c', rows, cols);
    }
}
