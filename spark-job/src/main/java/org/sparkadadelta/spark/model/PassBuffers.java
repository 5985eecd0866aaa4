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
 * their first rows (offset 0, C order, contiguous: the same BLAS calls as freshly allocated arrays). The
 * network's arrays are here (features, the gradient into each hidden layer's output, scratch, per-row vectors
 * for the loss); each {@link Layer} keeps its own in its {@link Layer.Buffers}, held here too.
 */
final class PassBuffers {
    private static final int MAX_SHAPES_PER_THREAD = 8;
    private static final ThreadLocal<Map<String, PassBuffers>> PER_THREAD = ThreadLocal.withInitial(HashMap::new);

    private final DataType type;
    private final int inputs;
    private final int[] outputs;
    private final Layer.Buffers[] layers; // each layer's own arrays
    private int capacity;
    private INDArray features;
    private INDArray[] deltas;
    private INDArray[] productTemps; // F order: scratch the width of each layer's output
    private INDArray rowsA;
    private INDArray rowsB;

    private PassBuffers(List<Layer> layers, DataType type) {
        this.type = type;
        this.inputs = layers.get(0).inputs();
        this.outputs = layers.stream().mapToInt(Layer::outputs).toArray();
        this.layers = new Layer.Buffers[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            this.layers[i] = layers.get(i).newBuffers(type);
        }
    }

    /**
     * This thread's buffers for {@code layers} (whose {@link Layer#summary() summaries}, input width first, make
     * {@code shape}) in {@code type}, with room for at least {@code rows} rows.
     */
    static PassBuffers forThread(List<Layer> layers, String shape, DataType type, int rows) {
        Map<String, PassBuffers> mine = PER_THREAD.get();
        String key = type + ":" + shape;
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
        deltas = new INDArray[outputs.length];
        productTemps = new INDArray[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            layers[i].ensureRows(capacity);
            productTemps[i] = Nd4j.create(type, (long) capacity * outputs[i]);
            if (i < outputs.length - 1) { // hidden layers: the gradient flowing into their output
                deltas[i] = Nd4j.create(type, (long) capacity * outputs[i]);
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

    /** Layer {@code layer}'s own arrays. */
    Layer.Buffers layer(int layer) {
        return layers[layer];
    }

    /** d(loss)/d(output of hidden layer {@code layer}), [rows, its outputs]. */
    INDArray delta(int layer, int rows) {
        return matrix(deltas[layer], rows, outputs[layer]);
    }

    /** Room for a [rows, outputs of {@code layer}] product in F order (see {@link Gemm}). */
    INDArray productTemp(int layer, int rows) {
        return vector(productTemps[layer], rows * outputs[layer]).reshape('f', rows, outputs[layer]);
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

    /** The first {@code rows} rows of {@code flat} (a buffer of at least that many) as a C-order matrix. */
    static INDArray matrix(INDArray flat, int rows, int cols) {
        return vector(flat, rows * cols).reshape('c', rows, cols);
    }
}
