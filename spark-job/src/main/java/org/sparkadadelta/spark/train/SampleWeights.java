package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.Map;
import org.sparkadadelta.spark.data.DenseBlock;

/**
 * Keras's per-row weights of the training data: a block's weight column, or {@code class_weight} (a weight per
 * class, 1.0 for classes it does not name, looked up by each row's label), as Keras turns {@code class_weight}
 * into sample weights. Null arrays mean "all 1": the unweighted computation, unchanged.
 */
final class SampleWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] byClass; // null without class_weight

    private SampleWeights(float[] byClass) {
        this.byClass = byClass;
    }

    /** The data's own weights only (validation, evaluation, or training without {@code class_weight}). */
    static final SampleWeights OF_DATA = new SampleWeights(null);

    /** {@code class_weight} for a model with {@code classes} classes (binary models have 2). */
    static SampleWeights ofClasses(Map<Integer, Double> classWeight, int classes) {
        if (classWeight == null || classWeight.isEmpty()) {
            return OF_DATA;
        }
        float[] byClass = new float[classes];
        java.util.Arrays.fill(byClass, 1f);
        classWeight.forEach((c, w) -> {
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("class_weight names class " + c + ", but the model has classes 0.."
                        + (classes - 1));
            }
            byClass[c] = (float) (double) w;
        });
        return new SampleWeights(byClass);
    }

    /** The weights of the given rows of {@code block}, or null when they are all 1. */
    float[] of(DenseBlock block, int[] rows) {
        if (byClass == null && block.weights() == null) {
            return null;
        }
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = weight(block, rows[i]);
        }
        return out;
    }

    /** The weights of all of {@code block}'s rows, or null when they are all 1. */
    float[] of(DenseBlock block) {
        if (byClass == null) {
            return block.weights();
        }
        float[] out = new float[block.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = weight(block, i);
        }
        return out;
    }

    private float weight(DenseBlock block, int row) {
        float w = block.weights() == null ? 1f : block.weights()[row];
        return byClass == null ? w : w * byClass[(int) block.labels()[row]];
    }
}
