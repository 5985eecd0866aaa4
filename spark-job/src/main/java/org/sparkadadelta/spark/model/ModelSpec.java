package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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

    /**
     * The spec whose network of {@code features} inputs {@link Network#describe() describes} itself exactly as
     * {@code description} (kind, loss, layer names, widths and activations), as a job's manifest records it.
     *
     * @throws IllegalArgumentException if no model we can build has that description
     */
    public static ModelSpec describedBy(Map<String, Object> description, int features) {
        int[] units = description.get("layers") instanceof List<?> layers ? layers.stream()
                .mapToInt(l -> l instanceof Map<?, ?> m && m.get("units") instanceof Number n ? n.intValue() : -1)
                .toArray() : new int[0];
        if (units.length > 0 && features > 0 && Arrays.stream(units).allMatch(u -> u > 0)) {
            int classes = units[units.length - 1];
            int[] hidden = Arrays.copyOf(units, units.length - 1);
            for (ModelType type : ModelType.values()) {
                boolean classifier = type.takesClasses();
                if (hidden.length > 0 != type.takesHidden() || !classifier && classes != 1 || classifier && classes < 2) {
                    continue;
                }
                ModelSpec spec = new ModelSpec(type, hidden, classifier ? classes : 0);
                if (spec.build(features).describe().equals(description)) {
                    return spec;
                }
            }
        }
        throw new IllegalArgumentException("a model spark-adadelta cannot represent (it builds dense linear, logistic, "
                + "softmax and ReLU mlp models): " + description);
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
