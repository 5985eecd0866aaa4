package org.sparkadadelta.spark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Keras loss together with its output activation, evaluated from the logits for numerical stability.
 * {@link #evaluate} returns per-row losses and the gradient with respect to the logits, per row (the caller
 * sums rows; the mean over the batch is taken once, on the driver).
 */
public enum Loss {
    /** Linear output, {@code mean_squared_error}: {@code (z - y)^2}; d/dz = {@code 2 (z - y)}. */
    MEAN_SQUARED_ERROR("mean_squared_error", "root_mean_squared_error") {
        @Override
        Result evaluate(INDArray logits, INDArray labels, INDArray weights) {
            INDArray diff = logits.sub(labels.reshape(labels.length(), 1));
            double squares = weighted(diff.mul(diff).sum(1), weights).sumNumber().doubleValue();
            return new Result(squares, weighted(diff.mul(2), weights), squares);
        }

        @Override
        void activateInPlace(INDArray logits, int rows, PassBuffers buffers) {
        }
    },
    /**
     * Sigmoid output, {@code binary_crossentropy}: {@code max(z,0) - z*y + log(1 + exp(-|z|))};
     * d/dz = {@code sigmoid(z) - y}.
     */
    BINARY_CROSSENTROPY("binary_crossentropy", "accuracy") {
        @Override
        Result evaluate(INDArray logits, INDArray labels, INDArray weights) {
            INDArray y = labels.reshape(labels.length(), 1);
            INDArray loss = Transforms.relu(logits, true).sub(logits.mul(y))
                    .add(Transforms.log(Transforms.exp(Transforms.abs(logits, true).neg(), false).add(1), false));
            INDArray p = Transforms.sigmoid(logits, true);
            INDArray correct = p.gte(0.5).castTo(y.dataType()).eq(y).castTo(y.dataType());
            return new Result(weighted(loss.sum(1), weights).sumNumber().doubleValue(), weighted(p.sub(y), weights),
                    weighted(correct.sum(1), weights).sumNumber().doubleValue());
        }

        @Override
        void activateInPlace(INDArray logits, int rows, PassBuffers buffers) {
            Transforms.sigmoid(logits, false); // the loss's own sigmoid kernel
        }
    },
    /**
     * Softmax output, {@code sparse_categorical_crossentropy}: {@code logsumexp(z) - z[y]};
     * d/dz = {@code softmax(z) - onehot(y)}.
     */
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy", "accuracy") {
        @Override
        Result evaluate(INDArray logits, INDArray labels, INDArray weights) {
            int rows = (int) logits.rows();
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = (float) labels.getDouble(i);
            }
            return SoftmaxCrossEntropy.evaluateInPlace(logits.dup(), y, weights, rows,
                    Nd4j.create(logits.dataType(), rows), Nd4j.create(logits.dataType(), rows));
        }

        @Override
        Result evaluateInPlace(INDArray logits, float[] labels, float[] weights, int rows, PassBuffers buffers) {
            return SoftmaxCrossEntropy.evaluateInPlace(logits, labels, columnOf(weights, rows, logits), rows,
                    buffers.rowsA(rows), buffers.rowsB(rows));
        }

        @Override
        void activateInPlace(INDArray logits, int rows, PassBuffers buffers) {
            SoftmaxCrossEntropy.softmaxInPlace(logits, rows, buffers.rowsA(rows));
        }
    };

    private final String kerasName;
    private final String metric;

    Loss(String kerasName, String metric) {
        this.kerasName = kerasName;
        this.metric = metric;
    }

    /** Keras's name for the loss. */
    public String kerasName() {
        return kerasName;
    }

    /** The metric reported for this loss, under Keras's name: {@code accuracy} or {@code root_mean_squared_error}. */
    public String metric() {
        return metric;
    }

    /** Keras's name for the output activation the loss applies: {@code linear}, {@code sigmoid} or {@code softmax}. */
    String outputActivation() {
        switch (this) {
            case BINARY_CROSSENTROPY:
                return "sigmoid";
            case SPARSE_CATEGORICAL_CROSSENTROPY:
                return "softmax";
            default:
                return "linear";
        }
    }

    /**
     * Whether the metric {@code name} is a root of a mean (averaged as squares, then rooted) rather than a mean:
     * {@code root_mean_squared_error}, or {@code rmse} as histories written before Keras's name recorded it.
     */
    public static boolean isRootOfMean(String name) {
        return MEAN_SQUARED_ERROR.metric.equals(name) || "rmse".equals(name);
    }

    /**
     * @param lossSum   the summed loss of the rows
     * @param gradient  d(loss_i)/d(logits_i), shape [rows, outputs]; the caller may overwrite it
     * @param metricSum the summed metric terms: 1/0 for correct predictions, or the squared error
     */
    record Result(double lossSum, INDArray gradient, double metricSum) {
    }

    /**
     * @param weights Keras's sample weights as a [rows, 1] column, or null for none: each row's loss, metric
     *                term and gradient is multiplied by its weight (the caller still divides by the row count,
     *                as Keras's {@code sum_over_batch_size} does)
     */
    abstract Result evaluate(INDArray logits, INDArray labels, INDArray weights);

    /**
     * Applies the output activation (linear, sigmoid or softmax) to {@code rows} rows of logits in place, in the
     * logits' dtype: what Keras's {@code predict} returns.
     */
    abstract void activateInPlace(INDArray logits, int rows, PassBuffers buffers);

    /**
     * As {@link #evaluate}, free to overwrite {@code logits} (this pass's buffer) and to use the pass's
     * per-row buffers; {@code labels} (and {@code weights}, or null) hold at least {@code rows} values.
     */
    Result evaluateInPlace(INDArray logits, float[] labels, float[] weights, int rows, PassBuffers buffers) {
        return evaluate(logits, Nd4j.createFromArray(labels).castTo(logits.dataType()),
                columnOf(weights, rows, logits));
    }

    /** Per-row values times the weights column, in place; unchanged without weights. */
    static INDArray weighted(INDArray perRow, INDArray weights) {
        return weights == null ? perRow : perRow.muliColumnVector(weights);
    }

    /** The first {@code rows} weights as a [rows, 1] column of the logits' type, or null. */
    private static INDArray columnOf(float[] weights, int rows, INDArray logits) {
        return weights == null ? null : Nd4j.createFromArray(java.util.Arrays.copyOf(weights, rows))
                .castTo(logits.dataType()).reshape(rows, 1);
    }
}
