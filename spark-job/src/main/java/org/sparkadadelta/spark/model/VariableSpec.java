package org.sparkadadelta.spark.model;

import java.io.Serializable;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

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

    /** This variable's values, copied out of the flat parameter vector {@code flat}. */
    public float[] copyOf(float[] flat) {
        return Arrays.copyOfRange(flat, offset, offset + size());
    }

    /** Writes {@code values} (this variable's, row-major) into its slice of the flat vector {@code flat}. */
    public void copyInto(float[] values, float[] flat) {
        if (values.length != size()) {
            throw new IllegalArgumentException(path + " holds " + size() + " values; got " + values.length);
        }
        System.arraycopy(values, 0, flat, offset, values.length);
    }

    /** A view (no copy) of this variable's slice of the flat ND4J vector {@code flat}, in its shape, row-major. */
    public INDArray view(INDArray flat) {
        return flat.get(NDArrayIndex.interval(offset, offset + size())).reshape('c', shape);
    }

    /**
     * Adds {@code g} (this variable's gradient, C order, read in place from off-heap memory) into its slice of the
     * flat float32 gradient {@code grad}.
     */
    void addInto(float[] grad, INDArray g) {
        int n = (int) g.length();
        int at = offset;
        if (g.dataType() == DataType.FLOAT) {
            FloatBuffer values = g.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < n; i++) {
                grad[at + i] += values.get(i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                grad[at + i] += (float) g.data().getDouble(i);
            }
        }
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
