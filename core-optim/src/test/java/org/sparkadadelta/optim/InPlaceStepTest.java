package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step runs in place on arrays kept by the optimizer: the caller's gradients must come out untouched
 * (Keras never writes them), the variables and slots must be updated where they lie (a reference taken
 * before the step sees the new values), and two optimizers must not share working arrays.
 */
class InPlaceStepTest {

    @Test
    void gradientsAreNeverWrittenWhateverRewritesThem() {
        for (Adadelta.Builder b : List.of(Adadelta.builder().clipnorm(0.1).lossScaleFactor(4.0),
                Adadelta.builder().globalClipnorm(0.1).weightDecay(0.1).useEma(true),
                Adadelta.builder().clipvalue(0.01).gradientAccumulationSteps(2),
                Adadelta.builder().gradientAccumulationSteps(2).lossScaleFactor(2.0))) {
            INDArray value = Nd4j.rand(DataType.FLOAT, 3, 4);
            INDArray before = value.dup();
            Variable v = new Variable("kernel", value);
            INDArray g = Nd4j.rand(DataType.FLOAT, 3, 4).subi(0.5);
            INDArray gCopy = g.dup();
            Adadelta opt = b.learningRate(1.0).build();
            for (int step = 0; step < 4; step++) {
                opt.apply(List.of(g), List.of(v));
                assertEquals(gCopy, g, "step " + step + " wrote the caller's gradient");
            }
            assertSame(value, v.value());
            assertNotEquals(before, value, "the variable's own array holds the update");
        }
    }

    @Test
    void float32GradientsOfAFloat64VariableAreCastIntoTheVariablesPrecision() {
        Variable v = new Variable("kernel", Nd4j.ones(DataType.DOUBLE, 5));
        INDArray g = Nd4j.createFromArray(0.1f, -0.2f, 0.3f, 0f, 1e-3f);
        INDArray gCopy = g.dup();
        Adadelta opt = Adadelta.builder().learningRate(1.0).gradientAccumulationSteps(2).build();
        Variable reference = new Variable("kernel", Nd4j.ones(DataType.DOUBLE, 5));
        Adadelta allocating = Adadelta.builder().learningRate(1.0).gradientAccumulationSteps(2).build();
        for (int step = 0; step < 4; step++) {
            opt.apply(List.of(g), List.of(v));
            allocating.apply(List.of(g.castTo(DataType.DOUBLE)), List.of(reference));
        }
        assertEquals(gCopy, g);
        assertEquals(DataType.DOUBLE, v.value().dataType());
        assertEquals(reference.value(), v.value(), "a widened float32 gradient is exact");
    }

    @Test
    void lossScaleOptimizerLeavesTheCallersGradientsAlone() {
        Variable v = new Variable("kernel", Nd4j.rand(DataType.FLOAT, 6));
        INDArray g = Nd4j.rand(DataType.FLOAT, 6);
        INDArray gCopy = g.dup();
        LossScaleOptimizer opt = new LossScaleOptimizer(Adadelta.builder().clipnorm(1.0).build());
        opt.apply(List.of(g), List.of(v));
        opt.apply(List.of(g));
        assertEquals(gCopy, g);
        assertEquals(2, opt.iterations());
    }
}
