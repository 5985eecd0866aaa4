package org.sparkadadelta.spark.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The kinds of network the job builds, under the names the config ({@code model.type}) and the spark.ml
 * estimator ({@code modelType}) use for them, and the kind a manifest records. A new one is a constant here
 * and its case in {@link ModelSpec#build}.
 */
public enum ModelType {
    /** One dense unit, mean squared error. */
    LINEAR("linear", "linear_regression"),
    /** One dense unit, binary cross-entropy on its logit. */
    LOGISTIC("logistic", "logistic_regression"),
    /** One dense layer over the classes, sparse categorical cross-entropy. */
    SOFTMAX("softmax", "softmax_regression"),
    /** ReLU hidden layers, then a softmax output over the classes. */
    MLP("mlp", "mlp");

    private final String configName;
    private final String kind;

    ModelType(String configName, String kind) {
        this.configName = configName;
        this.kind = kind;
    }

    /** The type by its config name, ignoring case and surrounding blanks. */
    public static ModelType parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ModelType t : values()) {
            if (t.configName.equals(wanted)) {
                return t;
            }
        }
        throw new IllegalArgumentException("model.type must be one of " + String.join(", ", configNames())
                + "; got '" + wanted + "'");
    }

    /** Every config name, in declaration order. */
    public static String[] configNames() {
        return Arrays.stream(values()).map(ModelType::configName).toArray(String[]::new);
    }

    /** The name in configs and spark.ml params: {@code linear}, {@code logistic}, {@code softmax}, {@code mlp}. */
    public String configName() {
        return configName;
    }

    /** The kind a manifest's model description records, e.g. {@code linear_regression}. */
    public String kind() {
        return kind;
    }

    /** Whether a class count is configured (the multi-class classifiers); the others have one output unit. */
    public boolean takesClasses() {
        return this == SOFTMAX || this == MLP;
    }

    /** Whether hidden layers are configured. */
    public boolean takesHidden() {
        return this == MLP;
    }

    /** The config name, so that messages read as before. */
    @Override
    public String toString() {
        return configName;
    }
}
