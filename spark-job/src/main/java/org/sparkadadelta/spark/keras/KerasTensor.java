package org.sparkadadelta.spark.keras;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Variable;

/**
 * One dataset of a Keras weights file: a model or optimizer variable's value, row-major, with the dtype Keras
 * writes ({@code float32}, {@code float64}, or {@code int64} for counters: Keras's {@code iteration} and
 * {@code step_counter} are int64 in its files whatever the backend's variable holds).
 *
 * @param path   where it comes from or belongs, for messages: a Keras variable path or a dataset's H5 path
 * @param dtype  {@code float32}, {@code float64} or {@code int64}
 * @param shape  dimensions, {@code []} for a scalar (H5 shape {@code ()})
 * @param values {@code float[]} for float32, {@code double[]} for float64, {@code long[]} for int64
 */
public record KerasTensor(String path, String dtype, long[] shape, Object values) {
    public KerasTensor {
        Objects.requireNonNull(path, "path");
        shape = shape.clone();
        long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        int length = switch (dtype) {
            case "float32" -> ((float[]) values).length;
            case "float64" -> ((double[]) values).length;
            case "int64" -> ((long[]) values).length;
            default -> throw new IllegalArgumentException("Unsupported dtype '" + dtype + "' for " + path);
        };
        if (length != size) {
            throw new IllegalArgumentException(path + ": " + length + " values for shape " + Arrays.toString(shape));
        }
    }

    public static KerasTensor float32(String path, long[] shape, float[] values) {
        return new KerasTensor(path, "float32", shape, values);
    }

    /** A copy of a variable's current value; integer variables become int64, as Keras writes its counters. */
    public static KerasTensor of(Variable variable) {
        INDArray v = variable.value();
        String path = variable.path();
        long[] shape = v.shape();
        switch (v.dataType()) {
            case FLOAT:
                return new KerasTensor(path, "float32", shape, v.dup('c').data().asFloat());
            case DOUBLE:
                return new KerasTensor(path, "float64", shape, v.dup('c').data().asDouble());
            case INT:
            case LONG:
                return new KerasTensor(path, "int64", shape, v.castTo(DataType.LONG).dup('c').data().asLong());
            default:
                throw new IllegalArgumentException("Variable " + path + " has dtype " + v.dataType()
                        + ", which a Keras file of this job does not hold");
        }
    }

    /** The same tensor under another path. */
    public KerasTensor withPath(String newPath) {
        return new KerasTensor(newPath, dtype, shape, values);
    }

    public long size() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    public boolean isInteger() {
        return "int64".equals(dtype);
    }

    /** The value as an ND4J array of {@code type}, shaped (an exact cast for the types a variable may have). */
    public INDArray toArray(DataType type) {
        INDArray flat = switch (dtype) {
            case "float32" -> Nd4j.createFromArray((float[]) values);
            case "float64" -> Nd4j.createFromArray((double[]) values);
            default -> Nd4j.createFromArray((long[]) values);
        };
        if (flat.dataType() != type) {
            flat = flat.castTo(type);
        }
        return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
    }

    /** Shape as Python prints a tuple: {@code ()}, {@code (3,)}, {@code (784, 256)}. */
    public String pythonShape() {
        return pythonShape(shape);
    }

    static String pythonShape(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasTensor t && path.equals(t.path) && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                && Objects.deepEquals(values, t.values);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return path + " " + dtype + pythonShape();
    }
}
