package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a {@link Network}, which chains them: the layer knows its own math, its Keras variables and its
 * per-thread arrays; the network knows only the order. {@link DenseLayer} is the one implementation; a new kind
 * of layer is a class implementing this, and its place in the chains networks are built of
 * ({@link Network#of}, from {@link ModelSpec#build} and Network's factories).
 *
 * <p>The pass methods write into arrays the caller owns ({@link PassBuffers}: the network's boundary arrays,
 * and the layer's own {@link Buffers}, both kept from pass to pass by the thread), so that a pass allocates no
 * arrays. Every array handed to a layer is a view of its buffer's first {@code rows} rows, offset 0, C order,
 * unless said otherwise.
 */
public interface Layer extends Serializable {
    /** A Keras variable of a layer, without its place in the flat vector: e.g. {@code kernel}, {@code [5, 3]}. */
    record Variable(String name, long... shape) {
    }

    /** What one thread keeps for a layer from pass to pass: the layer's own arrays, grown with the rows. */
    interface Buffers {
        /** Makes the row-dependent arrays hold at least {@code capacity} rows (a new capacity each time it grows). */
        void ensureRows(int capacity);
    }

    /** Keras's name for the layer (e.g. {@code dense_1}); its variables' paths are {@code name/variable}. */
    String name();

    /** Input width. */
    int inputs();

    /** Output width. */
    int outputs();

    /** The layer's Keras variables in Keras's order (their order in the flat vector), possibly none. */
    List<Variable> variables();

    /**
     * Writes the layer's initial values into its slices ({@code mine}, placed as {@link #variables()}) of the
     * flat {@code params}, which start as zeros, drawing from {@code random}: the one generator of the whole
     * network, passed from layer to layer in order.
     */
    void initialise(float[] params, List<VariableSpec> mine, SplittableRandom random);

    /** A new set of this layer's own arrays in {@code type}, for one thread (rows are added by ensureRows). */
    Buffers newBuffers(DataType type);

    /**
     * The forward pass of {@code rows} rows: the output, an array the layer owns (in {@code buffers}) or one of
     * its inputs' own arrays, valid until the thread's next pass. Keeps in {@code buffers} what {@link #backward}
     * needs.
     *
     * @param weights    views of the layer's variables, in {@link #variables()}'s order and shapes
     * @param input      [rows, inputs()]: the features or the previous layer's output; not to be written
     * @param outputTemp room for a [rows, outputs()] array in F order (a view of a larger buffer), scratch
     */
    INDArray forward(List<INDArray> weights, INDArray input, int rows, Buffers buffers, INDArray outputTemp);

    /**
     * The backward pass after {@link #forward} on the same buffers: adds d(loss)/d(variable) of each of the
     * layer's variables into its slice ({@code mine}) of the flat float32 gradient {@code grad}, and writes
     * d(loss)/d(input) into {@code inputGradient}.
     *
     * @param outputGradient [rows, outputs()]: d(loss)/d(output), the layer's to overwrite
     * @param inputGradient  [rows, inputs()], or null for the first layer (no gradient flows into the features)
     * @param inputTemp      room for a [rows, inputs()] array in F order, scratch; null with inputGradient
     */
    void backward(List<INDArray> weights, INDArray outputGradient, int rows, Buffers buffers, float[] grad,
            List<VariableSpec> mine, INDArray inputGradient, INDArray inputTemp);

    /**
     * The layer as a manifest records it ({@link Network#describe()}): name, width and the like.
     *
     * @param output the loss the layer's output feeds (its activation is folded into the loss), or null for a
     *               hidden layer
     */
    Map<String, Object> describe(Loss output);

    /**
     * One line naming the layer's kind and shape, e.g. {@code dense 784->256 relu}: run fingerprints compare it,
     * and threads keep their buffers per network of the same summaries.
     */
    String summary();
}
