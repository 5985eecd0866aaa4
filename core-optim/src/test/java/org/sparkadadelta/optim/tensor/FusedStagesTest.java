package org.sparkadadelta.optim.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Adadelta.UpdateKernel;
import org.sparkadadelta.optim.Variable;

/**
 * The base optimizer's elementwise work run inside the fused update ({@link FusedStages}) against the same
 * work done by the ND4J ops in separate passes, bit for bit: first each stage on the kernel alone, then whole
 * optimizer steps of both kernels over every combination the optimizer stages (accumulation, the three
 * clipping modes, weight decay with an exclusion, EMA with overwrites, a loss scale, a missing gradient),
 * on values spanning many binades with NaN, infinities, signed zeros and subnormals.
 */
class FusedStagesTest {
    private static final TensorMath MATH = Nd4jTensorMath.INSTANCE;
    private static final Precision P = Precision.FLOAT32;
    private static final int N = 3_000;
    private static final double RHO = 0.95;
    private static final double EPS = 1e-7;
    private static final double LR = 0.7;

    @Test
    void eachStageGivesTheBitsOfTheSeparateOps() {
        INDArray g = KernelSamples.wideRange(P, 1, N, 2, 411);
        INDArray sum = KernelSamples.wideRange(P, 2, N, 5, 397);
        INDArray v0 = KernelSamples.wideRange(P, 3, N, 3, 389);
        INDArray avg0 = KernelSamples.wideRange(P, 4, N, 0, 0);
        INDArray eg0 = MATH.multiply(KernelSamples.wideRange(P, 5, N, 0, 0), KernelSamples.wideRange(P, 5, N, 0, 0));
        INDArray edx0 = MATH.multiply(eg0, 0.5);
        List<UnaryOperator<FusedStages>> cases = List.of(s -> s, s -> s.averageWith(sum, 3),
                s -> s.clipByValue(0.1), s -> s.multiplyThenDivide(P.round(0.85), P.round(1.7)),
                s -> s.multiplyThenDivide(P.round(0.85), Double.NaN), s -> s.multiply(P.round(1.0000001)),
                s -> s.decay(P.round(0.004), P.round(LR)), s -> s.movingAverage(avg0.dup(), P.round(0.99),
                        P.subtract(1.0, P.round(0.99))),
                s -> s.averageWith(sum, 4).clipByValue(2.5).decay(P.round(0.1), P.round(LR))
                        .movingAverage(avg0.dup(), 0.0, 1.0));
        for (int k = 0; k < cases.size(); k++) {
            FusedStages stages = cases.get(k).apply(new FusedStages());
            INDArray eg = eg0.dup();
            INDArray edx = edx0.dup();
            INDArray v = v0.dup();
            INDArray avgBefore = stages.average == null ? null : stages.average.dup();
            new FusedAdadeltaUpdate().apply(g, eg, edx, v, RHO, EPS, P.round(LR), stages);

            INDArray eg2 = eg0.dup();
            INDArray edx2 = edx0.dup();
            INDArray v2 = v0.dup();
            INDArray g2 = separateGradient(g, stages);
            if (stages.decay) {
                v2 = MATH.subtract(v2, MATH.multiply(MATH.multiply(v2, stages.decayFactor), stages.decayRate));
            }
            new FusedAdadeltaUpdate().apply(g2, eg2, edx2, v2, RHO, EPS, P.round(LR));
            String at = "case " + k;
            KernelSamples.assertSameBits(eg2, eg, at + ": accumulated_grad");
            KernelSamples.assertSameBits(edx2, edx, at + ": accumulated_delta_var");
            KernelSamples.assertSameBits(v2, v, at + ": variable");
            if (avgBefore != null) {
                INDArray want = MATH.add(MATH.multiply(avgBefore, stages.momentum),
                        MATH.multiply(v2, stages.oneMinusMomentum));
                KernelSamples.assertSameBits(want, stages.average, at + ": average");
            }
        }
    }

    /** The gradient the separate passes give: averaged, then clipped. */
    private static INDArray separateGradient(INDArray g, FusedStages s) {
        INDArray out = g;
        if (s.accumulator != null) {
            out = MATH.divide(MATH.add(out, s.accumulator), s.period);
        }
        switch (s.clip) {
            case VALUE:
                return MATH.clip(out, s.clipFirst, s.clipSecond);
            case MULTIPLY_THEN_DIVIDE:
                return MATH.divide(MATH.multiply(out, s.clipFirst), s.clipSecond);
            case MULTIPLY:
                return MATH.multiply(out, s.clipFirst);
            default:
                return out;
        }
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        List<UnaryOperator<Adadelta.Builder>> clips = List.of(b -> b, b -> b.clipvalue(0.3), b -> b.clipnorm(1.0),
                b -> b.globalClipnorm(0.85));
        List<UnaryOperator<Adadelta.Builder>> around = List.of(b -> b, b -> b.weightDecay(0.004),
                b -> b.useEma(true).emaOverwriteFrequency(3), b -> b.gradientAccumulationSteps(3),
                b -> b.gradientAccumulationSteps(2).useEma(true).weightDecay(0.01).lossScaleFactor(8.0));
        for (Precision p : Precision.values()) {
            for (int c = 0; c < clips.size(); c++) {
                for (int a = 0; a < around.size(); a++) {
                    UnaryOperator<Adadelta.Builder> clip = clips.get(c);
                    UnaryOperator<Adadelta.Builder> rest = around.get(a);
                    out.add(Arguments.of(p, "clip " + c + ", around " + a,
                            (UnaryOperator<Adadelta.Builder>) b -> rest.apply(clip.apply(b))));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void optimizerStepsAgreeAcrossKernels(Precision p, String name, UnaryOperator<Adadelta.Builder> config) {
        List<Variable> fused = variables(p);
        List<Variable> ops = new ArrayList<>();
        for (Variable v : fused) {
            ops.add(new Variable(v.name(), v.value().dup()));
        }
        Adadelta a = config.apply(Adadelta.builder().learningRate(LR)).updateKernel(UpdateKernel.FUSED).build();
        Adadelta b = config.apply(Adadelta.builder().learningRate(LR)).updateKernel(UpdateKernel.TENSOR_OPS).build();
        a.setWarningListener(message -> { });
        b.setWarningListener(message -> { });
        a.excludeFromWeightDecay(List.of("bias"));
        b.excludeFromWeightDecay(List.of("bias"));
        for (int step = 0; step < 7; step++) {
            List<INDArray> grads = new ArrayList<>();
            for (int k = 0; k < fused.size(); k++) {
                int n = (int) fused.get(k).value().length();
                // A missing gradient on step 4; specials (a NaN norm, infinities) only on the last steps.
                grads.add(k == 1 && step == 4 ? null : KernelSamples.wideRange(p, 10 * step + k, n, 1 + k,
                        step >= 5 ? n / 7 : 0).reshape('c', fused.get(k).shape()));
            }
            a.apply(grads, fused);
            b.apply(grads, ops);
            String at = name + ", step " + step;
            for (int k = 0; k < a.variables().size(); k++) {
                KernelSamples.assertSameBits(b.variables().get(k).value(), a.variables().get(k).value(),
                        at + ": " + a.variables().get(k).path());
            }
            for (int k = 0; k < fused.size(); k++) {
                KernelSamples.assertSameBits(ops.get(k).value(), fused.get(k).value(), at + ": " + fused.get(k).name());
            }
        }
        a.finalizeVariableValues(fused);
        b.finalizeVariableValues(ops);
        for (int k = 0; k < fused.size(); k++) {
            KernelSamples.assertSameBits(ops.get(k).value(), fused.get(k).value(), name + ", finalized");
        }
    }

    private static List<Variable> variables(Precision p) {
        return Arrays.asList(new Variable("kernel", KernelSamples.wideRange(p, 1, N, 0, 0).reshape('c', 30, 100)),
                new Variable("bias", KernelSamples.wideRange(p, 2, 100, 0, 0)),
                new Variable("scalar", KernelSamples.wideRange(p, 3, 1, 0, 0).reshape(new long[0])));
    }
}
