package org.sparkadadelta.spark.model;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sparse categorical cross-entropy from the logits, in place: {@code logsumexp(z) - z[y]} per row and the
 * gradient {@code softmax(z) - onehot(y)} written over the logits. Whole-matrix ND4J kernels do the
 * arithmetic (max, exp, row sums, division, log: the same kernels, in the same order, as always, so the float
 * results are unchanged); the per-row work (the label's logit, the one-hot subtraction, the accuracy count)
 * is a Java loop over the raw buffers rather than an ND4J call per element.
 */
final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /**
     * @param logits [rows, classes], C order at offset 0; overwritten by the gradient
     * @param weights sample weights as a [rows, 1] column, or null: weighted loss, accuracy and gradient rows
     * @param rowsA  a [rows] vector at offset 0 (scratch)
     * @param rowsB  a [rows] vector at offset 0 (scratch)
     */
    static Loss.Result evaluateInPlace(INDArray logits, float[] labels, INDArray weights, int rows, INDArray rowsA,
            INDArray rowsB) {
        long classes = logits.columns();
        INDArray argmax = Nd4j.argMax(logits, 1); // of the logits as given: ties resolved as ever
        shiftByRowMax(logits, rows, rowsA);
        DataBuffer z = logits.data();
        DataBuffer picked = rowsB.data();
        DataBuffer best = argmax.data();
        double correct = 0;
        for (int i = 0; i < rows; i++) {
            int label = (int) labels[i];
            picked.put(i, z.getDouble(i * classes + label));
            if (best.getLong(i) == label) {
                correct += weights == null ? 1 : weights.getDouble(i);
            }
        }
        INDArray sumExp = rowsA;
        normalizeExp(logits, rows, sumExp); // softmax
        Nd4j.getExecutioner().exec(new Log(sumExp)); // in place: logsumexp of the shifted logits
        INDArray rowLosses = sumExp.subi(rowsB);
        double lossSum = (weights == null ? rowLosses : rowLosses.reshape(rows, 1).muli(weights)).sumNumber()
                .doubleValue();
        boolean single = logits.dataType() == DataType.FLOAT;
        for (int i = 0; i < rows; i++) {
            long at = i * classes + (int) labels[i];
            if (single) { // p - 1 in float32, as the one-hot subtraction did
                z.put(at, z.getFloat(at) - 1f);
            } else {
                z.put(at, z.getDouble(at) - 1.0);
            }
        }
        return new Loss.Result(lossSum, Loss.weighted(logits, weights), correct);
    }

    /**
     * Keras's softmax activation, in place: the same kernels as the loss, so a prediction's probabilities are
     * the ones the loss was computed from.
     *
     * @param rowsA a [rows] vector at offset 0 (scratch)
     */
    static void softmaxInPlace(INDArray logits, int rows, INDArray rowsA) {
        shiftByRowMax(logits, rows, rowsA);
        normalizeExp(logits, rows, rowsA);
    }

    /** {@code z - max(z)} per row, in place; {@code max} receives the row maxima. */
    private static void shiftByRowMax(INDArray logits, int rows, INDArray max) {
        Nd4j.getExecutioner().exec(new Max(logits, max, 1));
        logits.subiColumnVector(max.reshape(rows, 1));
    }

    /** {@code exp(z) / sum(exp(z))} per row of shifted logits, in place; {@code sumExp} receives the row sums. */
    private static void normalizeExp(INDArray shifted, int rows, INDArray sumExp) {
        Nd4j.getExecutioner().exec(new Exp(shifted)); // in place
        shifted.sum(sumExp, 1);
        shifted.diviColumnVector(sumExp.reshape(rows, 1));
    }
}
