package org.sparkadadelta.optim.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Adadelta.UpdateKernel;
import org.sparkadadelta.optim.Variable;

/**
 * The fused loop against the same rule in ND4J ops, bit for bit, over several steps, on values spanning many
 * binades with NaN, infinities, signed zeros and subnormals among the gradients, and odd constants.
 */
class FusedAdadeltaUpdateTest {
    private static final int N = 5_000;

    @ParameterizedTest
    @EnumSource(Precision.class)
    void givesTheBitsOfTheOps(Precision p) {
        for (double[] rhoEpsLr : new double[][] {{0.95, 1e-7, 0.001}, {0.3, 1e-30, 1.0}, {1.0, 0.0, 0.7},
                {0.0, 2.5, 1e-3}}) {
            Variable fused = new Variable("v", KernelSamples.wideRange(p, 1, N, 0, 0));
            Variable ops = new Variable("v", fused.value().dup());
            Adadelta a = builder(rhoEpsLr, UpdateKernel.FUSED);
            Adadelta b = builder(rhoEpsLr, UpdateKernel.TENSOR_OPS);
            for (int step = 0; step < 4; step++) {
                INDArray g = KernelSamples.wideRange(p, 10 + step, N, 1, 613);
                a.apply(List.of(g), List.of(fused));
                b.apply(List.of(g), List.of(ops));
            }
            for (int k = 0; k < a.variables().size(); k++) {
                KernelSamples.assertSameBits(b.variables().get(k).value(), a.variables().get(k).value(), "slot " + k);
            }
            KernelSamples.assertSameBits(ops.value(), fused.value(), "variable");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void viewsThatAreNotContiguousTakeTheOpsPath(Precision p) {
        INDArray m = KernelSamples.wideRange(p, 3, N, 0, 0).reshape('c', new long[] {50, 100});
        INDArray column = m.get(NDArrayIndex.all(), NDArrayIndex.point(7));
        assertFalse(FusedAdadeltaUpdate.supports(column, column.dup(), column.dup(), column.dup()));
        INDArray row = m.getRow(3);
        assertTrue(FusedAdadeltaUpdate.supports(row, row.dup(), row.dup(), row.dup()));
        Variable fused = new Variable("v", column);
        Variable ops = new Variable("v", column.dup());
        Adadelta a = builder(new double[] {0.95, 1e-7, 1.0}, UpdateKernel.FUSED);
        Adadelta b = builder(new double[] {0.95, 1e-7, 1.0}, UpdateKernel.TENSOR_OPS);
        INDArray g = KernelSamples.wideRange(p, 4, N, 1, 613).get(NDArrayIndex.interval(0, 50));
        a.apply(List.of(g), List.of(fused));
        b.apply(List.of(g), List.of(ops));
        KernelSamples.assertSameBits(ops.value(), fused.value(), "variable");
    }

    private static Adadelta builder(double[] rhoEpsLr, UpdateKernel kernel) {
        return Adadelta.builder().rho(rhoEpsLr[0]).epsilon(rhoEpsLr[1]).learningRate(rhoEpsLr[2])
                .updateKernel(kernel).build();
    }
}
