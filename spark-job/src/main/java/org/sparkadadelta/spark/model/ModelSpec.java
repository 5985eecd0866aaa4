package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which network to build, as configured: {@code linear} (MSE), {@code logistic} (binary cross-entropy),
 * {@code softmax} (sparse categorical cross-entropy) or {@code mlp} (ReLU {@code hidden} layers, softmax
 * output). The input width comes from the data.
 */
public record ModelSpec(ModelType type, int[] hidden, int classes) implements Serializable {
    public ModelSpec {
        hidden = hidden == null ? new int[0] : hidden.clone();
        if (type.takesClasses() && classes < 2) {
            throw new IllegalArgumentException("model.classes must be >= 2 for a " + type + " model; got " + classes);
        }
        if (type.takesHidden() && hidden.length == 0) {
            throw new IllegalArgumentException("model.hidden must list at least one layer width for an mlp, e.g. [256]");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("model.hidden widths must be >= 1; got " + Arrays.toString(hidden));
            }
        }
    }

    /** @throws IllegalArgumentException for a type that is not one of {@link ModelType}'s config names */
    public ModelSpec(String type, int[] hidden, int classes) {
        this(ModelType.parse(type), hidden, classes);
    }

    public Network build(int features) {
        return switch (type) {
            case LINEAR -> Network.linearRegression(features);
            case LOGISTIC -> Network.logisticRegression(features);
            case SOFTMAX -> Network.softmaxRegression(features, classes);
            case MLP -> Network.mlp(features, hidden, classes);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && type.equals(m.type) && Arrays.equals(hidden, m.hidden) && classes == m.classes;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(hidden) + classes;
    }

    @Override
    public String toString() {
        return type + (hidden.length > 0 ? Arrays.toString(hidden) : "") + (classes > 0 ? " classes=" + classes : "");
    }
}
