package org.sparkadadelta.spark.train;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * The model's weights on the driver: one flat ND4J vector, with a Keras-named {@link Variable} viewing each
 * slice, so the optimizer updates the flat vector in place and a snapshot for broadcasting is one copy.
 */
final class DriverParameters {
    private final ParameterLayout layout;
    private final INDArray flat;
    private final List<Variable> variables = new ArrayList<>();
    // The step's gradient, one buffer for the run: the optimizer reads it during apply() and keeps no reference.
    private INDArray gradient;
    private List<INDArray> gradientViews;

    DriverParameters(ParameterLayout layout, float[] initial) {
        this.layout = layout;
        this.flat = Nd4j.createFromArray(initial.clone());
        for (VariableSpec v : layout.variables()) {
            variables.add(new Variable(v.name(), v.path(), v.view(flat)));
        }
    }

    List<Variable> variables() {
        return variables;
    }

    /**
     * A copy of the current weights, for broadcasting and saving: read straight from the off-heap vector
     * ({@code toFloatVector()} would first duplicate it off-heap, d floats of fresh pages every step).
     */
    float[] snapshot() {
        float[] copy = new float[layout.size()];
        current().get(copy);
        return copy;
    }

    /** Replaces the weights in place (the variables keep viewing them). */
    void set(float[] weights) {
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("Expected " + layout.size() + " weights; got " + weights.length);
        }
        flat.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(weights, 0, layout.size());
    }

    /** The current weights in place (no copy), for reading only; valid until the next step changes them. */
    FloatBuffer current() {
        return flat.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().asReadOnlyBuffer();
    }

    /**
     * A flat gradient split into one tensor per variable, shaped like it: views of one off-heap buffer that
     * every step overwrites (a copy, not a new allocation with its page faults), valid until the next call.
     */
    List<INDArray> split(float[] flatGradient) {
        if (gradient == null) {
            gradient = Nd4j.create(DataType.FLOAT, layout.size());
            gradientViews = new ArrayList<>();
            for (VariableSpec v : layout.variables()) {
                gradientViews.add(v.view(gradient));
            }
        }
        gradient.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(flatGradient, 0, layout.size());
        return gradientViews;
    }
}
