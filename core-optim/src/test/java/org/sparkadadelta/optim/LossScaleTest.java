package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Optimizer#lossScale()}: the factor Keras's {@code scale_loss} multiplies the loss by. */
class LossScaleTest {

    @Test
    void anAdadeltaScalesByItsLossScaleFactorOrNotAtAll() {
        assertEquals(1.0, new Adadelta(1.0).lossScale());
        assertEquals(3.0, Adadelta.builder().lossScaleFactor(3.0).build().lossScale());
    }

    @Test
    void aLossScaleOptimizerScalesByItsCurrentDynamicScaleAndSwitchesTheInnerFactorOff() {
        Adadelta inner = Adadelta.builder().lossScaleFactor(3.0).build();
        LossScaleOptimizer lso = new LossScaleOptimizer(inner, 1024.0, 2, null);
        assertEquals(1.0, inner.lossScale(), "Keras forces the inner loss_scale_factor to None");
        assertEquals(1024.0, lso.lossScale(), "the initial scale before the build");
        assertEquals(1024.0 * 5, lso.scaleLoss(5));

        Variable w = new Variable("w", Nd4j.createFromArray(1f, 2f));
        lso.apply(List.of(Nd4j.createFromArray(1f, Float.POSITIVE_INFINITY)), List.of(w));
        assertEquals(512.0, lso.lossScale(), "a non-finite step halves the scale");
        lso.apply(List.of(Nd4j.createFromArray(1f, 1f)), List.of(w));
        lso.apply(List.of(Nd4j.createFromArray(1f, 1f)), List.of(w));
        assertEquals(1024.0, lso.lossScale(), "dynamic_growth_steps finite steps double it");
    }
}
