package org.sparkadadelta.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pass reuses one thread's buffers from call to call, with views of their first rows: what a call
 * computes must not depend on what earlier calls left in them or on how large they have grown, and the
 * products into preallocated arrays must be bit for bit those of {@code mmul}.
 */
class PassBuffersReuseTest {
    private static final Network NET = Network.mlp(7, new int[] {9, 5}, 4);

    @Test
    void aCallsResultDoesNotDependOnEarlierCallsOnTheSameThread() {
        Random r = new Random(5);
        float[] params = NET.initialParameters(3);
        float[][] x = {features(r, 40), features(r, 13), features(r, 64)};
        float[][] y = {labels(r, 40), labels(r, 13), labels(r, 64)};
        GradientSum[] first = new GradientSum[3];
        for (int i = 0; i < 3; i++) { // grows the buffers: 40, then a view of 13 rows, then 64
            first[i] = new GradientSum();
            NET.accumulate(params, x[i], y[i], y[i].length, 0.5f, first[i]);
        }
        for (int i = 2; i >= 0; i--) { // again, in the other order, on the grown buffers
            GradientSum again = new GradientSum();
            NET.accumulate(params, x[i], y[i], y[i].length, 0.5f, again);
            assertArrayEquals(bits(first[i].gradientBuffer(NET.layout().size())),
                    bits(again.gradientBuffer(NET.layout().size())), "gradient of call " + i);
            assertEquals(first[i].lossSum(), again.lossSum());
            assertEquals(first[i].metricSum(), again.metricSum());
        }
    }

    @Test
    void gemmIntoPreallocatedArraysIsMmulBitForBit() {
        Nd4j.getRandom().setSeed(9);
        for (int[] s : new int[][] {{33, 17, 5}, {7, 64, 1}, {128, 300, 40}, {1, 9, 3}}) {
            INDArray a = Nd4j.randn(DataType.FLOAT, s[0], s[1]);
            INDArray b = Nd4j.randn(DataType.FLOAT, s[1], s[2]);
            INDArray expected = a.mmul(b);
            INDArray result = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            INDArray temp = Nd4j.create(DataType.FLOAT, (long) s[0] * s[2] + 11) // larger: a view, as in the pass
                    .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, (long) s[0] * s[2])).reshape('f', s[0], s[2]);
            Gemm.into(a, b, result, temp);
            assertArrayEquals(bits(expected.reshape(expected.length()).toFloatVector()),
                    bits(result.reshape(result.length()).toFloatVector()), java.util.Arrays.toString(s));
            INDArray bt = Nd4j.randn(DataType.FLOAT, s[2], s[1]).transpose(); // a transposed view, as in backprop
            expected = a.mmul(bt);
            Gemm.into(a, bt, result, temp);
            assertArrayEquals(bits(expected.reshape(expected.length()).toFloatVector()),
                    bits(result.reshape(result.length()).toFloatVector()), "transposed " + java.util.Arrays.toString(s));
        }
    }

    private static float[] features(Random r, int rows) {
        float[] x = new float[rows * NET.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static float[] labels(Random r, int rows) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(4);
        }
        return y;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
