package org.sparkadadelta.optim.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
        INDArray x = values(p, 1);
        INDArray y = values(p, 2);
        for (double[] s : new double[][] {{0.004, 0.001}, {(double) (float) 0.1, 1.0}, {1e-30, 7.0}}) {
            INDArray v = x.dup();
            loops.decay(v, s[0], s[1]);
            INDArray t = MATH.multiply(MATH.multiply(x, s[0]), s[1]);
            same(MATH.subtract(x, t), v);

            INDArray avg = y.dup();
            loops.average(avg, x, s[0], p.subtract(1.0, s[0]));
            same(MATH.add(MATH.multiply(y, s[0]), MATH.multiply(x, p.subtract(1.0, s[0]))), avg);
        }
        for (double d : new double[] {1.0, 0.37, Double.NaN, Double.POSITIVE_INFINITY, 1e-40}) {
            double c = p.round(0.85);
            INDArray out = x.ulike();
            loops.multiplyThenDivide(x, c, p.round(d), out);
            same(MATH.divide(MATH.multiply(x, c), p.round(d)), out);
            INDArray inPlace = x.dup();
            loops.multiplyThenDivide(inPlace, c, p.round(d), inPlace);
            same(MATH.divide(MATH.multiply(x, c), p.round(d)), inPlace);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void stepsWithDecayEmaAndClippingAgreeAcrossKernels(Precision p) {
        Variable fused = new Variable("kernel", values(p, 3));
        Variable ops = new Variable("kernel", fused.value().dup());
        Adadelta a = Adadelta.builder().learningRate(0.5).weightDecay(0.01).useEma(true).clipnorm(1.0)
                .updateKernel(UpdateKernel.FUSED).build();
        Adadelta b = Adadelta.builder().learningRate(0.5).weightDecay(0.01).useEma(true).clipnorm(1.0)
                .updateKernel(UpdateKernel.TENSOR_OPS).build();
        for (int step = 0; step < 4; step++) {
            INDArray g = values(p, 10 + step);
            if (step == 3) {
                g.putScalar(5, Double.NaN); // a NaN norm: the whole clipped gradient is NaN
            }
            a.apply(List.of(g), List.of(fused));
            b.apply(List.of(g), List.of(ops));
            for (int k = 0; k < a.variables().size(); k++) {
                same(b.variables().get(k).value(), a.variables().get(k).value());
            }
            same(ops.value(), fused.value());
        }
    }

    private static INDArray values(Precision p, long seed) {
        Random r = new Random(seed);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = r.nextGaussian() * Math.exp(r.nextGaussian() * 6);
        }
        double tiny = p == Precision.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        double[] s = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, tiny, -tiny};
        if (seed < 3) {
            for (int i = 0; i < s.length; i++) {
                v[2 + i * 411] = s[i];
            }
        }
        return Nd4j.createFromArray(v).castTo(p.dataType());
    }

    private static void same(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        double[] e = expected.toDoubleVector();
        double[] a = actual.toDoubleVector();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i]) && Double.isNaN(a[i])) {
                continue;
            }
            int k = i;
            assertEquals(Double.doubleToLongBits(e[k]), Double.doubleToLongBits(a[k]),
                    () -> "element " + k + ": " + e[k] + " vs " + a[k]);
        }
    }
}
