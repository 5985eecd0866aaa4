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
    MEAN_SQUARED_ERROR("mean_squared_error", "rmse") {
        @Override
        Result evaluate(INDArray logits, INDArray labels) {
            INDArray diff = logits.sub(labels.reshape(labels.length(), 1));
            return new Result(diff.mul(diff).sum(1), diff.mul(2), diff.mul(diff).sum(1));
        }
    },
    /**
     * Sigmoid output, {@code binary_crossentropy}: {@code max(z,0) - z*y + log(1 + exp(-|z|))};
     * d/dz = {@code sigmoid(z) - y}.
     */
    BINARY_CROSSENTROPY("binary_crossentropy", "accuracy") {
        @Override
        Result evaluate(INDArray logits, INDArray labels) {
            INDArray y = labels.reshape(labels.length(), 1);
            INDArray loss = Transforms.relu(logits, true).sub(logits.mul(y))
                    .add(Transforms.log(Transforms.exp(Transforms.abs(logits, true).neg(), false).add(1), false));
            INDArray p = Transforms.sigmoid(logits, true);
            INDArray correct = p.gte(0.5).castTo(y.dataType()).eq(y).castTo(y.dataType());
            return new Result(loss.sum(1), p.sub(y), correct.sum(1));
        }
    },
    /**
     * Softmax output, {@code sparse_categorical_crossentropy}: {@code logsumexp(z) - z[y]};
     * d/dz = {@code softmax(z) - onehot(y)}.
     */
    SPARSE_CATEGORICAL_CROSSENTROPY("sparse_categorical_crossentropy", "accuracy") {
        @Override
        Result evaluate(INDArray logits, INDArray labels) {
            long rows = logits.rows();
            INDArray max = logits.max(1).reshape(rows, 1);
            INDArray shifted = logits.subColumnVector(max);
            INDArray exp = Transforms.exp(shifted, true);
            INDArray sumExp = exp.sum(1).reshape(rows, 1);
            INDArray probs = exp.divColumnVector(sumExp);
            INDArray oneHot = Nd4j.zeros(logits.dataType(), logits.shape());
            INDArray picked = Nd4j.zeros(logits.dataType(), rows);
            INDArray argmax = Nd4j.argMax(logits, 1);
            INDArray correct = Nd4j.zeros(logits.dataType(), rows);
            for (int i = 0; i < rows; i++) {
                int label = (int) labels.getDouble(i);
                oneHot.putScalar(i, label, 1.0);
                picked.putScalar(i, shifted.getDouble(i, label));
                correct.putScalar(i, argmax.getLong(i) == label ? 1.0 : 0.0);
            }
            INDArray loss = Transforms.log(sumExp, true).reshape(rows).sub(picked);
            return new Result(loss, probs.sub(oneHot), correct);
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

    /** The metric reported for this loss: {@code accuracy} or {@code rmse}. */
    public String metric() {
        return metric;
    }

    /**
     * @param losses       per-row loss, shape [rows]
     * @param gradient     d(loss_i)/d(logits_i), shape [rows, outputs]
     * @param metricTerms  per-row metric terms: 1/0 for correct predictions, or the squared error
     */
    record Result(INDArray losses, INDArray gradient, INDArray metricTerms) {
    }

    abstract Result evaluate(INDArray logits, INDArray labels);
}
