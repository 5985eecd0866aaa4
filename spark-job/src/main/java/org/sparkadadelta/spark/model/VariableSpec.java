package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One model variable as Keras names it: {@code name} (e.g. {@code kernel}), {@code path}
 * (e.g. {@code dense_1/kernel}) and shape, stored at {@code offset} in the flat parameter vector.
 */
public record VariableSpec(String name, String path, long[] shape, int offset) implements Serializable {
    public int size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VariableSpec v && name.equals(v.name) && path.equals(v.path)
                && Arrays.equals(shape, v.shape) && offset == v.offset;
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return path + Arrays.toString(shape);
    }
}
