package org.sparkadadelta.spark.model;

import java.io.Serializable;

/**
 * A Keras {@code Dense} layer: {@code activation(x @ kernel + bias)}, with Keras's automatic layer name
 * ({@code dense}, {@code dense_1}, ...) so its variables are {@code dense/kernel} and {@code dense/bias}.
 */
public record DenseLayer(String name, int inputs, int units, Activation activation) implements Serializable {
    public String kernelPath() {
        return name + "/kernel";
    }

    public String biasPath() {
        return name + "/bias";
    }
}
