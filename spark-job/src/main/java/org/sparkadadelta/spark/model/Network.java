package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A chain of {@link Layer}s and a loss: linear regression, logistic regression, softmax regression or an MLP
 * of {@link DenseLayer}s. The network runs the layers in order and knows none of their math. Stateless and
 * serializable, so executors can evaluate it against broadcast parameters; parameters live in one flat float
 * vector laid out by {@link #layout()}, each layer's variables in turn, in Keras's order.
 *
 * <p>{@link #accumulate} computes the summed loss and the summed gradient of a set of rows (the mean is
 * taken once on the driver, after all partitions are combined), with ND4J's BLAS for the matrix products.
 * The gradient is that of the loss times the optimizer's loss scale; the loss is reported unscaled. A pass
 * writes its activations and products into the calling thread's {@link PassBuffers}, reused from call to
 * call, so a task allocates nothing per block or per step.
 */
public final class Network implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final List<Layer> layers;
    private final Loss loss;
    private final ParameterLayout layout;
    /** Each layer's variables in the layout, in the layer's order. */
    private final List<List<VariableSpec>> variables;
    /** The layers' summaries: which of the thread's {@link PassBuffers} this network uses. */
    private final String shape;

    private Network(String kind, List<? extends Layer> layers, Loss loss) {
        this.kind = kind;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        ParameterLayout.Builder b = ParameterLayout.builder();
        StringBuilder shape = new StringBuilder().append(layers.get(0).inputs());
        for (Layer l : layers) {
            for (Layer.Variable v : l.variables()) {
                b.add(v.name(), l.name() + "/" + v.name(), v.shape());
            }
            shape.append(", ").append(l.summary());
        }
        this.layout = b.build();
        this.shape = shape.toString();
        List<List<VariableSpec>> byLayer = new ArrayList<>();
        int next = 0;
        for (Layer l : layers) {
            int count = l.variables().size();
            byLayer.add(List.copyOf(layout.variables().subList(next, next + count)));
            next += count;
        }
        this.variables = List.copyOf(byLayer);
    }

    /**
     * The network of {@code layers}, in order (each one's inputs the previous one's outputs, the last one's
     * outputs the loss's logits), recorded in manifests as {@code kind}.
     */
    public static Network of(String kind, List<? extends Layer> layers, Loss loss) {
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + layers.get(i).summary() + " does not take the "
                        + layers.get(i - 1).outputs() + " outputs of " + layers.get(i - 1).summary());
            }
        }
        return new Network(kind, layers, loss);
    }

    public static Network linearRegression(int features) {
        return new Network(ModelType.LINEAR.kind(), List.of(new DenseLayer("dense", features, 1, Activation.LINEAR)),
                Loss.MEAN_SQUARED_ERROR);
    }

    public static Network logisticRegression(int features) {
        return new Network(ModelType.LOGISTIC.kind(), List.of(new DenseLayer("dense", features, 1, Activation.LINEAR)),
                Loss.BINARY_CROSSENTROPY);
    }

    public static Network softmaxRegression(int features, int classes) {
        return new Network(ModelType.SOFTMAX.kind(),
                List.of(new DenseLayer("dense", features, classes, Activation.LINEAR)),
                Loss.SPARSE_CATEGORICAL_CROSSENTROPY);
    }

    /** ReLU hidden layers of the given widths, then a softmax output over {@code classes}. */
    public static Network mlp(int features, int[] hidden, int classes) {
        List<DenseLayer> layers = new ArrayList<>();
        int inputs = features;
        for (int units : hidden) {
            layers.add(new DenseLayer(kerasLayerName(layers.size()), inputs, units, Activation.RELU));
            inputs = units;
        }
        layers.add(new DenseLayer(kerasLayerName(layers.size()), inputs, classes, Activation.LINEAR));
        return new Network(ModelType.MLP.kind(), layers, Loss.SPARSE_CATEGORICAL_CROSSENTROPY);
    }

    private static String kerasLayerName(int index) {
        return index == 0 ? "dense" : "dense_" + index;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public Loss loss() {
        return loss;
    }

    public List<Layer> layers() {
        return layers;
    }

    public int inputs() {
        return layers.get(0).inputs();
    }

    /** Output units: 1 for regression and binary classification, the class count otherwise. */
    public int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    /** Number of classes a label may index (0 for regression). */
    public int classes() {
        switch (loss) {
            case SPARSE_CATEGORICAL_CROSSENTROPY:
                return outputs();
            case BINARY_CROSSENTROPY:
                return 2;
            default:
                return 0;
        }
    }

    /** Architecture for manifests: kind, loss and layers. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("loss", loss.kerasName());
        List<Map<String, Object>> ls = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            ls.add(layers.get(i).describe(i == layers.size() - 1 ? loss : null));
        }
        m.put("layers", ls);
        return m;
    }

    /**
     * Keras's default initialisation, seeded: each layer's own ({@link Layer#initialise}; for dense layers
     * Glorot-uniform kernels, {@code U(-l, l)} with {@code l = sqrt(6 / (fan_in + fan_out))}, and zero biases),
     * layer by layer from one generator.
     */
    public float[] initialParameters(long seed) {
        float[] params = new float[layout.size()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initialise(params, variables.get(i), random);
        }
        return params;
    }

    /** The flat parameters as one matrix per variable, for repeated use within a task. */
    public Weights weights(float[] params) {
        INDArray flat = Nd4j.createFromArray(params);
        return new Weights(layout, flat, byLayer(views(flat)));
    }

    /**
     * The flat parameters unpacked into {@code reuse}'s off-heap memory when it was made for this network's
     * layout (a copy, no allocation), else into new matrices.
     */
    public Weights weights(float[] params, Weights reuse) {
        if (reuse == null || !reuse.layout.variables().equals(layout.variables())) {
            return weights(params);
        }
        reuse.flat.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(params, 0, layout.size());
        return reuse;
    }

    /** Parameters unpacked into ND4J matrices, views of one flat vector: each layer's, in its variables' order. */
    public static final class Weights {
        private final ParameterLayout layout;
        private final INDArray flat;
        private final List<List<INDArray>> tensors;

        private Weights(ParameterLayout layout, INDArray flat, List<List<INDArray>> tensors) {
            this.layout = layout;
            this.flat = flat;
            this.tensors = tensors;
        }
    }

    /**
     * Adds the summed loss, metric terms and gradient of {@code rows} rows to {@code sum}.
     *
     * @param params   the flat parameters
     * @param features row-major {@code rows x inputs()}
     * @param labels   {@code rows} labels
     */
    public void accumulate(float[] params, float[] features, float[] labels, int rows, GradientSum sum) {
        accumulate(params, features, labels, rows, 1f, sum);
    }

    /**
     * As {@link #accumulate(float[], float[], float[], int, GradientSum)}, with the gradient of the loss
     * multiplied by {@code lossScale} (Keras's {@code optimizer.scale_loss}); the loss added stays unscaled.
     */
    public void accumulate(float[] params, float[] features, float[] labels, int rows, float lossScale,
            GradientSum sum) {
        accumulate(weights(params), features, labels, rows, lossScale, sum);
    }

    public void accumulate(Weights weights, float[] features, float[] labels, int rows, float lossScale,
            GradientSum sum) {
        accumulate(weights, features, labels, null, rows, lossScale, sum);
    }

    /**
     * As {@link #accumulate(Weights, float[], float[], int, float, GradientSum)} with Keras's sample weights
     * ({@code rowWeights}, or null for none): each row's loss, metric term and gradient count
     * {@code rowWeights[i]} times, while the driver still divides by the row count
     * ({@code sum_over_batch_size}).
     */
    public void accumulate(Weights weights, float[] features, float[] labels, float[] rowWeights, int rows,
            float lossScale, GradientSum sum) {
        accumulate(weights.tensors, features, labels, rowWeights, rows, lossScale, sum, DataType.FLOAT);
    }

    /** As {@link #accumulate(float[], float[], float[], int, float, GradientSum)}, computing in {@code type}. */
    public void accumulate(float[] params, float[] features, float[] labels, int rows, float lossScale,
            GradientSum sum, DataType type) {
        accumulate(unflatten(params, type), features, labels, null, rows, lossScale, sum, type);
    }

    private void accumulate(List<List<INDArray>> weights, float[] features, float[] labels, float[] rowWeights,
            int rows, float lossScale, GradientSum sum, DataType type) {
        if (rows == 0) {
            return;
        }
        PassBuffers buffers = PassBuffers.forThread(layers, shape, type, rows);
        INDArray logits = forward(weights, buffers, features, rows);
        Loss.Result r = loss.evaluateInPlace(logits, labels, rowWeights, rows, buffers);

        // Backward: d(lossScale * sum of losses)/d(params), layer by layer from the output. As in Keras's
        // backprop of scale_loss(loss), the scale enters once, in the seed at the output (in the seed's
        // dtype), so every gradient downstream is that of the scaled loss, overflowing as Keras's would.
        float[] grad = sum.gradientBuffer(layout.size());
        INDArray delta = r.gradient();
        if (lossScale != 1f) { // in place: the seed is ours (the logits' buffer, or the loss's own array)
            Nd4j.getExecutioner().exec(new ScalarMultiplication(delta, null, delta, (double) lossScale));
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            INDArray upstream = i > 0 ? buffers.delta(i - 1, rows) : null;
            layers.get(i).backward(weights.get(i), delta, rows, buffers.layer(i), grad, variables.get(i), upstream,
                    i > 0 ? buffers.productTemp(i - 1, rows) : null);
            delta = upstream;
        }
        sum.addBatch(rows, weightSum(rowWeights, rows), r.lossSum(), r.metricSum());
    }

    /** Loss and metric of {@code rows} rows, without gradients (validation and test evaluation). */
    public void evaluate(Weights weights, float[] features, float[] labels, int rows, GradientSum sum) {
        evaluate(weights, features, labels, null, rows, sum);
    }

    /** As {@link #evaluate(Weights, float[], float[], int, GradientSum)}, with sample weights (or null). */
    public void evaluate(Weights weights, float[] features, float[] labels, float[] rowWeights, int rows,
            GradientSum sum) {
        if (rows == 0) {
            return;
        }
        PassBuffers buffers = PassBuffers.forThread(layers, shape, DataType.FLOAT, rows);
        INDArray logits = forward(weights.tensors, buffers, features, rows);
        Loss.Result r = loss.evaluateInPlace(logits, labels, rowWeights, rows, buffers);
        sum.addBatch(rows, weightSum(rowWeights, rows), r.lossSum(), r.metricSum());
    }

    /** The rows' summed sample weights: the row count without weights. */
    private static double weightSum(float[] rowWeights, int rows) {
        if (rowWeights == null) {
            return rows;
        }
        double total = 0;
        for (int i = 0; i < rows; i++) {
            total += rowWeights[i];
        }
        return total;
    }

    /**
     * Keras's {@code predict}: the model's outputs for {@code rows} rows, in float32, through the same forward pass
     * as training (this thread's {@link PassBuffers}) and the loss's output activation: the class probabilities
     * of a softmax or mlp model, the sigmoid probability of class 1 of a logistic model, the value of a linear one.
     *
     * @param features row-major {@code rows x inputs()}
     * @return row-major {@code rows x outputs()}, a new array
     */
    public float[] predict(Weights weights, float[] features, int rows) {
        float[] out = new float[rows * outputs()];
        if (rows == 0) {
            return out;
        }
        PassBuffers buffers = PassBuffers.forThread(layers, shape, DataType.FLOAT, rows);
        INDArray outputs = forward(weights.tensors, buffers, features, rows);
        loss.activateInPlace(outputs, rows, buffers);
        // A view of the buffer's first rows, at offset 0: its first rows * outputs() floats.
        outputs.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The forward pass into this thread's buffers, layer by layer: the logits, a view of them valid until the
     * thread's next pass (each layer keeps what its backward pass needs in its own buffers).
     */
    private INDArray forward(List<List<INDArray>> weights, PassBuffers buffers, float[] features, int rows) {
        INDArray a = buffers.features(features, rows);
        for (int i = 0; i < layers.size(); i++) {
            a = layers.get(i).forward(weights.get(i), a, rows, buffers.layer(i), buffers.productTemp(i, rows));
        }
        return a;
    }

    private List<List<INDArray>> unflatten(float[] params, DataType type) {
        return byLayer(views(Nd4j.createFromArray(params).castTo(type)));
    }

    /** One view of {@code flat} per variable, shaped like it. */
    private List<INDArray> views(INDArray flat) {
        List<INDArray> out = new ArrayList<>();
        for (VariableSpec v : layout.variables()) {
            out.add(v.view(flat));
        }
        return out;
    }

    /** The variables' tensors (in the layout's order) grouped by layer. */
    private List<List<INDArray>> byLayer(List<INDArray> tensors) {
        List<List<INDArray>> out = new ArrayList<>();
        int next = 0;
        for (List<VariableSpec> mine : variables) {
            out.add(List.copyOf(tensors.subList(next, next + mine.size())));
            next += mine.size();
        }
        return out;
    }
}
