package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The one place an offset becomes a slice: copies out, copies in and views of the flat parameter vector. */
class VariableSpecTest {
    private final ParameterLayout layout = ParameterLayout.builder()
            .add("kernel", "dense/kernel", 2, 3).add("bias", "dense/bias", 3).build();
    private final float[] flat = {0, 1, 2, 3, 4, 5, 6, 7, 8};

    @Test
    void copiesTheVariablesSliceOutAndBackIn() {
        VariableSpec bias = layout.variable("dense/bias");
        assertArrayEquals(new float[] {6, 7, 8}, bias.copyOf(flat));
        float[] target = new float[layout.size()];
        bias.copyInto(new float[] {-1, -2, -3}, target);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, -1, -2, -3}, target);
    }

    @Test
    void viewsShareTheFlatVectorRowMajor() {
        INDArray vector = Nd4j.createFromArray(flat);
        INDArray kernel = layout.variable("dense/kernel").view(vector);
        assertArrayEquals(new long[] {2, 3}, kernel.shape());
        assertEquals(5f, kernel.getFloat(1, 2)); // row 1, column 2 of a row-major 2x3 kernel at offset 0
        kernel.putScalar(0, 1, 42f);
        assertEquals(42f, vector.getFloat(1)); // a view, not a copy
        assertEquals(7f, layout.variable("dense/bias").view(vector).getFloat(1));
    }

    @Test
    void refusesValuesOfAnotherSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layout.variable("dense/bias").copyInto(new float[2], new float[layout.size()]));
        assertEquals("dense/bias holds 3 values; got 2", e.getMessage());
    }
}
