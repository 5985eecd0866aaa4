package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One test per rule of SEMANTICS.md sections 4 (non-finite gradients under norm clipping) and 12 (float64
 * weight decay, float32 gradients accumulated for float64 variables), each on a few hand-checked steps from
 * zero optimizer state.
 */
class NonFiniteAndFloat64RulesTest {

    @Test
    void clipnormTurnsTheWholeTensorNanWhenOneElementIsNan() {
        Variable w = new Variable("w", Nd4j.createFromArray(1f, 2f, 3f));
        Variable other = new Variable("other", Nd4j.createFromArray(1f, 2f));
        Adadelta.builder().learningRate(1.0).clipnorm(1.0).build().apply(
                List.of(Nd4j.createFromArray(0.5f, Float.NaN, 0.25f), Nd4j.createFromArray(0.5f, 0.5f)),
                List.of(w, other));
        for (float x : w.value().toFloatVector()) {
            assertTrue(Float.isNaN(x), "every element of the NaN tensor's variable is NaN");
        }
        for (float x : other.value().toFloatVector()) {
            assertTrue(Float.isFinite(x), "clipnorm works per tensor: the other variable stays finite");
        }
    }

    @Test
    void clipnormWithAnInfiniteElementZeroesTheFiniteOnesAndMakesTheInfiniteOneNan() {
        Variable w = new Variable("w", Nd4j.createFromArray(1f, 2f, 3f));
        Adadelta opt = Adadelta.builder().learningRate(1.0).clipnorm(1.0).build();
        opt.apply(List.of(Nd4j.createFromArray(0.5f, Float.POSITIVE_INFINITY, -0.25f)), List.of(w));
        float[] v = w.value().toFloatVector();
        // The finite gradients become +-0: Adadelta leaves their variables unchanged.
        assertEquals(1f, v[0]);
        assertTrue(Float.isNaN(v[1]));
        assertEquals(3f, v[2]);
        INDArray eg = slot(opt, "w_accumulated_grad");
        assertEquals(0f, eg.getFloat(0), "E[g^2] of a zeroed gradient only decays");
    }

    @Test
    void globalClipnormTurnsEveryGradientNanWhenAnyIsNonFinite() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Variable a = new Variable("a", Nd4j.createFromArray(1f, 2f));
            Variable b = new Variable("b", Nd4j.createFromArray(3f, 4f, 5f));
            Adadelta.builder().learningRate(1.0).globalClipnorm(1.0).build().apply(
                    List.of(Nd4j.createFromArray(0.5f, 0.5f), Nd4j.createFromArray(0.5f, bad, 0.5f)),
                    List.of(a, b));
            for (Variable v : List.of(a, b)) {
                for (float x : v.value().toFloatVector()) {
                    assertTrue(Float.isNaN(x), v.name() + " after a gradient holding " + bad);
                }
            }
        }
    }

    @Test
    void float64WeightDecayUsesTheFloat32RoundedFactor() {
        double wd = 0.01;
        Variable w = new Variable("w", Nd4j.createFromArray(1.5));
        // A zero gradient leaves the variable to weight decay alone (delta is -0).
        Adadelta.builder().learningRate(1.0).weightDecay(wd).build()
                .apply(List.of(Nd4j.createFromArray(0.0)), List.of(w));
        double expected = 1.5 - (1.5 * (double) (float) wd) * 1.0;
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(w.value().getDouble(0)));
        assertNotEquals(1.5 - (1.5 * wd) * 1.0, expected, "the rule is observable with these numbers");
    }

    /**
     * Float32 gradients accumulated for float64 variables are promoted, as Keras's numpy backend does (Keras
     * on TensorFlow raises instead: README, differences), so they act exactly like the same gradients in float64.
     */
    @Test
    void float32GradientsAccumulateIntoFloat64AsFloat64Gradients() {
        float[][] grads = {{0.1f, -3.3f}, {0.7f, 1e-3f}, {2.5f, -0.3f}, {-1.1f, 0.9f}};
        Variable fromFloat32 = new Variable("w", Nd4j.createFromArray(0.3, -1.2));
        Variable fromFloat64 = new Variable("w", Nd4j.createFromArray(0.3, -1.2));
        Adadelta a = Adadelta.builder().learningRate(1.0).gradientAccumulationSteps(2).build();
        Adadelta b = Adadelta.builder().learningRate(1.0).gradientAccumulationSteps(2).build();
        for (float[] g : grads) {
            a.apply(List.of(Nd4j.createFromArray(g)), List.of(fromFloat32));
            b.apply(List.of(Nd4j.createFromArray(g).castTo(DataType.DOUBLE)),
                    List.of(fromFloat64));
            assertEquals(DataType.DOUBLE, slot(a, "w_gradient_accumulator").dataType());
            for (int i = 0; i < 2; i++) {
                assertEquals(Double.doubleToLongBits(fromFloat64.value().getDouble(i)),
                        Double.doubleToLongBits(fromFloat32.value().getDouble(i)), "element " + i);
            }
        }
        assertNotEquals(0.3, fromFloat32.value().getDouble(0), "the variables moved");
    }

    private static INDArray slot(Optimizer opt, String name) {
        return opt.variables().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().value();
    }
}
