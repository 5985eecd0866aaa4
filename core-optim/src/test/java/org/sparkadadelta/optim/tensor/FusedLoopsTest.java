package org.sparkadadelta.optim.tensor;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Adadelta.UpdateKernel;
import org.sparkadadelta.optim.Variable;

/**
 * Each loop against the ops it replaces, bit for bit, on values spanning many binades with NaN, infinities,
 * signed zeros and subnormals, and non-finite scalars where the step can produce them (a NaN or infinite
 * norm); then whole steps with weight decay, EMA and clipnorm on both kernels.
 */
class FusedLoopsTest {
    private static final TensorMath MATH = Nd4jTensorMath.INSTANCE;
    private static final int N = 3_000;

    @ParameterizedTest
    @EnumSource(Precision.class)
    void eachLoopGivesTheBitsOfItsOps(Precision p) {
        FusedLoops loops = new FusedLoops();
        INDArray x = KernelSamples.wideRange(p, 1, N, 2, 411);
        INDArray y = KernelSamples.wideRange(p, 2, N, 2, 411);
        for (double[] s : new double[][] {{0.004, 0.001}, {(double) (float) 0.1, 1.0}, {1e-30, 7.0}}) {
            INDArray v = x.dup();
            loops.decay(v, s[0], s[1]);
            INDArray t = MATH.multiply(MATH.multiply(x, s[0]), s[1]);
            KernelSamples.assertSameBits(MATH.subtract(x, t), v, "element");

            INDArray avg = y.dup();
            loops.average(avg, x, s[0], p.subtract(1.0, s[0]));
            KernelSamples.assertSameBits(MATH.add(MATH.multiply(y, s[0]), MATH.multiply(x, p.subtract(1.0, s[0]))),
                    avg, "average");
        }
        for (double d : new double[] {1.0, 0.37, Double.NaN, Double.POSITIVE_INFINITY, 1e-40}) {
            double c = p.round(0.85);
            INDArray out = x.ulike();
            loops.multiplyThenDivide(x, c, p.round(d), out);
            KernelSamples.assertSameBits(MATH.divide(MATH.multiply(x, c), p.round(d)), out, "element");
            INDArray inPlace = x.dup();
            loops.multiplyThenDivide(inPlace, c, p.round(d), inPlace);
            KernelSamples.assertSameBits(MATH.divide(MATH.multiply(x, c), p.round(d)), inPlace, "element");
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void stepsWithDecayEmaAndClippingAgreeAcrossKernels(Precision p) {
        Variable fused = new Variable("kernel", KernelSamples.wideRange(p, 3, N, 2, 0));
        Variable ops = new Variable("kernel", fused.value().dup());
        Adadelta a = Adadelta.builder().learningRate(0.5).weightDecay(0.01).useEma(true).clipnorm(1.0)
                .updateKernel(UpdateKernel.FUSED).build();
        Adadelta b = Adadelta.builder().learningRate(0.5).weightDecay(0.01).useEma(true).clipnorm(1.0)
                .updateKernel(UpdateKernel.TENSOR_OPS).build();
        for (int step = 0; step < 4; step++) {
            INDArray g = KernelSamples.wideRange(p, 10 + step, N, 2, 0);
            if (step == 3) {
                g.putScalar(5, Double.NaN); // a NaN norm: the whole clipped gradient is NaN
            }
            a.apply(List.of(g), List.of(fused));
            b.apply(List.of(g), List.of(ops));
            for (int k = 0; k < a.variables().size(); k++) {
                KernelSamples.assertSameBits(b.variables().get(k).value(), a.variables().get(k).value(),
                        "slot " + k);
            }
            KernelSamples.assertSameBits(ops.value(), fused.value(), "variable");
        }
    }
}
