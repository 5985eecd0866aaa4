package org.sparkadadelta.spark.checkpoint;

import java.util.List;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/** Converts the flat float32 weight vector to per-variable tensors and back (exactly: float to double is). */
final class WeightTensors {
    static final String DTYPE = "float32";

    private WeightTensors() {
    }

    static List<SavedTensor> of(ParameterLayout layout, float[] weights) {
        return layout.variables().stream().map(v -> tensor(v, weights)).toList();
    }

    private static SavedTensor tensor(VariableSpec v, float[] weights) {
        float[] slice = v.copyOf(weights);
        double[] values = new double[slice.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = slice[i];
        }
        return new SavedTensor(v.path(), v.name(), null, null, DTYPE, v.shape(), values);
    }

    /** The layout of {@code tensors}, offsets assigned in order. */
    static ParameterLayout layout(List<SavedTensor> tensors) {
        ParameterLayout.Builder layout = ParameterLayout.builder();
        for (SavedTensor t : tensors) {
            if (!t.dtype().equals(DTYPE)) {
                throw new IllegalArgumentException("Weight '" + t.path() + "' has dtype " + t.dtype() + ", expected "
                        + DTYPE);
            }
            layout.add(t.name(), t.path(), t.shape());
        }
        return layout.build();
    }

    static float[] values(List<SavedTensor> tensors) {
        float[] all = new float[tensors.stream().mapToInt(t -> t.values().length).sum()];
        int at = 0;
        for (SavedTensor t : tensors) {
            for (double d : t.values()) {
                all[at++] = (float) d;
            }
        }
        return all;
    }
}
