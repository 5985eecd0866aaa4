package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;

/** The stretch rule on the driver, micro-step by micro-step, against the optimizer's real counters. */
class UniformStretchTest {

    @Test
    void withoutAccumulationEveryMicroStepIsAlone() {
        Optimizer opt = Adadelta.builder().useEma(true).build();
        assertEquals(List.of(1L, 1L, 1L), lengths(opt, 3, 100));
    }

    @Test
    void withAccumulationAStretchRunsToTheWindowsUpdateStepAndNoFurtherThanTheLimit() {
        Optimizer opt = Adadelta.builder().gradientAccumulationSteps(4).useEma(true).build();
        assertEquals(List.of(4L, 3L, 2L, 1L, 4L, 3L), lengths(opt, 6, 100));
        Optimizer limited = Adadelta.builder().gradientAccumulationSteps(4).build();
        assertEquals(List.of(2L, 2L, 2L, 1L), lengths(limited, 4, 2));
    }

    @Test
    void anEmaOverwriteWindowRunsItsMicroStepsAlone() {
        // N=3, overwrite every 2 updates: windows 1 and 3 (raw 3-5, 9-11) overwrite the weights on each micro-step.
        Optimizer opt = Adadelta.builder().gradientAccumulationSteps(3).useEma(true).emaOverwriteFrequency(2)
                .build();
        assertEquals(List.of(3L, 2L, 1L, 1L, 1L, 1L, 3L, 2L, 1L, 1L, 1L, 1L), lengths(opt, 12, 100));
        // Without use_ema the frequency means nothing.
        Optimizer noEma = Adadelta.builder().gradientAccumulationSteps(3).emaOverwriteFrequency(2).build();
        assertEquals(List.of(3L, 2L, 1L, 3L, 2L, 1L), lengths(noEma, 6, 100));
    }

    @Test
    void aLossScaleOptimizerEndsAStretchWhereItsScaleGrows() {
        // N=4, growth after 3 finite micro-steps: the scale doubles in the applies of raw 2, 5, 8, ...
        Optimizer opt = new LossScaleOptimizer(Adadelta.builder().gradientAccumulationSteps(4).build(), 1.0, 3,
                null);
        assertEquals(List.of(3L, 2L, 1L, 1L, 2L, 1L, 2L, 1L), lengths(opt, 8, 100));
    }

    @Test
    void gradientsHoldOnlyForTheSameWeightBitsAndScale() {
        float[] w = {1f, 0f, Float.NaN};
        assertTrue(UniformStretch.unchanged(w, 2f, FloatBuffer.wrap(w.clone()), 2f));
        assertFalse(UniformStretch.unchanged(w, 2f, FloatBuffer.wrap(w.clone()), 4f));
        assertFalse(UniformStretch.unchanged(w, 2f, FloatBuffer.wrap(new float[] {1f, -0f, Float.NaN}), 2f),
                "signed zero");
        assertFalse(UniformStretch.unchanged(w, 2f,
                FloatBuffer.wrap(new float[] {1f, 0f, Float.intBitsToFloat(0x7fc00001)}), 2f),
                "NaN payload");
    }

    /** The stretch length before each of {@code steps} finite applies. */
    private static List<Long> lengths(Optimizer opt, int steps, long limit) {
        List<Variable> vars = List.of(new Variable("w", "dense/w", Nd4j.createFromArray(1f, 2f)));
        UniformStretch stretch = UniformStretch.of(opt);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            out.add(stretch.length(limit));
            opt.apply(List.of(Nd4j.createFromArray(0.5f, -0.25f)), vars);
        }
        return out;
    }
}
