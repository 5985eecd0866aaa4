package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each model variable lives in the flat float vector that is broadcast to executors and summed back
 * as gradients. Variables are in Keras's order ({@code dense/kernel}, {@code dense/bias}, {@code dense_1/...}).
 */
public final class ParameterLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<VariableSpec> variables;
    private final int size;

    private ParameterLayout(List<VariableSpec> variables, int size) {
        this.variables = List.copyOf(variables);
        this.size = size;
    }

    public List<VariableSpec> variables() {
        return variables;
    }

    /** Total number of parameters. */
    public int size() {
        return size;
    }

    public VariableSpec variable(String path) {
        for (VariableSpec v : variables) {
            if (v.path().equals(path)) {
                return v;
            }
        }
        throw new IllegalArgumentException("No variable '" + path + "' in " + variables);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Appends variables one after another. */
    public static final class Builder {
        private final List<VariableSpec> variables = new ArrayList<>();
        private int offset;

        public Builder add(String name, String path, long... shape) {
            VariableSpec v = new VariableSpec(name, path, shape, offset);
            variables.add(v);
            offset = Math.addExact(offset, v.size());
            return this;
        }

        public ParameterLayout build() {
            return new ParameterLayout(variables, offset);
        }
    }
}
