package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which network to build, as configured: {@code linear} (MSE), {@code logistic} (binary cross-entropy),
 * {@code softmax} (sparse categorical cross-entropy) or {@code mlp} (ReLU {@code hidden} layers, softmax
 * output). The input width comes from the data.
 */
public record ModelSpec(String type, int[] hidden, int classes) implements Serializable {
    public ModelSpec {
        type = type.trim().toLowerCase(Locale.ROOT);
        hidden = hidden == null ? new int[0] : hidden.clone();
        switch (type) {
            case "linear":
            case "logistic":
                break;
            case "softmax":
            case "mlp":
                if (classes < 2) {
                    throw new IllegalArgumentException("model.classes must be >= 2 for a " + type + " model; got "
                            + classes);
                }
                break;
            default:
                throw new IllegalArgumentException("model.type must be one of linear, logistic, softmax, mlp; got '"
                        + type + "'");
        }
        if ("mlp".equals(type) && hidden.length == 0) {
            throw new IllegalArgumentException("model.hidden must list at least one layer width for an mlp, e.g. [256]");
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("model.hidden widths must be >= 1; got " + Arrays.toString(hidden));
            }
        }
    }

    public Network build(int features) {
        switch (type) {
            case "linear":
                return Network.linearRegression(features);
            case "logistic":
                return Network.logisticRegression(features);
            case "softmax":
                return Network.softmaxRegression(features, classes);
            default:
                return Network.mlp(features, hidden, classes);
        }
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
