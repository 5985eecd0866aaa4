package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.optim.schedules.ExponentialDecay;

/** Behaviour the golden trajectories do not pin down: naming, layout, setters, dtypes and misuse. */
class AdadeltaTest {

    @Test
    void slotsAreNamedAfterTheVariablePathInKerasOrder() {
        Adadelta opt = Adadelta.builder().name("opt").useEma(true).gradientAccumulationSteps(2).build();
        opt.build(List.of(new Variable("kernel", "dense/kernel", ones(DataType.FLOAT, 2, 2)),
                new Variable("bias", "dense/bias", ones(DataType.FLOAT, 2))));
        List<String> paths = opt.variables().stream().map(Variable::path).toList();
        assertEquals(List.of("opt/iteration", "opt/learning_rate",
                "opt/dense_kernel_average", "opt/dense_bias_average",
                "opt/dense_kernel_gradient_accumulator", "opt/dense_bias_gradient_accumulator",
                "opt/dense_kernel_accumulated_grad", "opt/dense_kernel_accumulated_delta_var",
                "opt/dense_bias_accumulated_grad", "opt/dense_bias_accumulated_delta_var"), paths);
        assertEquals("dense_kernel_accumulated_grad", opt.variables().get(6).name());
    }

    @Test
    void automaticNamesAreUniqueLikeKeras() {
        String a = new Adadelta().name();
        String b = new Adadelta().name();
        assertNotEquals(a, b);
        assertTrue(b.startsWith("adadelta_"), b);
    }

    @Test
    void aScheduleReplacesTheLearningRateVariable() {
        Adadelta opt = new Adadelta(0.5);
        assertTrue(roles(opt).contains("learning_rate"));
        opt.setLearningRate(LearningRate.of(new ExponentialDecay(1.0, 10, 0.5)));
        assertFalse(roles(opt).contains("learning_rate"));
        assertEquals(1.0, opt.learningRateValue());
        Map<?, ?> config = (Map<?, ?>) OptimizerSerialization.serialize(opt).get("config");
        assertEquals("ExponentialDecay", ((Map<?, ?>) config.get("learning_rate")).get("class_name"));
        assertThrows(UnsupportedOperationException.class, () -> opt.setLearningRate(0.1));
    }

    @Test
    void aFloatLearningRateIsStoredAsFloat32() {
        Adadelta opt = new Adadelta(0.1);
        assertEquals((double) 0.1f, opt.learningRateValue());
        opt.setLearningRate(0.3);
        assertEquals((double) 0.3f, opt.learningRateValue());
        assertInstanceOf(LearningRate.Constant.class, opt.learningRate());
    }

    @Test
    void aSuppliedLearningRateKeepsDoublePrecisionForFloat64Variables() {
        double g = 0.75;
        Variable fromSupplier = new Variable("w", Nd4j.createFromArray(1.0));
        Variable fromFloat = new Variable("w", Nd4j.createFromArray(1.0));
        Adadelta.builder().learningRate(LearningRate.of(() -> 0.1)).build()
                .apply(List.of(Nd4j.createFromArray(g)), List.of(fromSupplier));
        Adadelta.builder().learningRate(0.1).build().apply(List.of(Nd4j.createFromArray(g)), List.of(fromFloat));
        // One step from zero state, all in float64: Eg = (1-rho) g^2, delta = -sqrt(eps) g / sqrt(Eg + eps).
        double delta = -(Math.sqrt(0 + 1e-7) * g) / Math.sqrt((0.95 * 0 + (1 - 0.95) * (g * g)) + 1e-7);
        assertEquals(1.0 + 0.1 * delta, fromSupplier.value().getDouble(0));
        assertEquals(1.0 + (double) 0.1f * delta, fromFloat.value().getDouble(0));
    }

    @Test
    void float32GradientsOnFloat64VariablesUpdateInFloat64() {
        Variable w = new Variable("w", ones(DataType.DOUBLE, 3));
        Adadelta opt = new Adadelta(1.0);
        opt.apply(List.of(ones(DataType.FLOAT, 3)), List.of(w));
        assertEquals(DataType.DOUBLE, w.value().dataType());
        assertTrue(w.value().getDouble(0) < 1.0);
        assertEquals(DataType.DOUBLE, opt.variables().get(2).value().dataType(), "slots follow the variable");
    }

    @Test
    void weightDecayCanExcludeAVariableByIdentity() {
        Variable a = new Variable("w", ones(DataType.FLOAT, 2));
        Variable b = new Variable("w", ones(DataType.FLOAT, 2));
        Adadelta opt = Adadelta.builder().learningRate(1.0).weightDecay(0.5).build();
        opt.excludeFromWeightDecay(List.of(b), List.of());
        INDArray zero = Nd4j.zeros(DataType.FLOAT, 2);
        opt.apply(List.of(zero, zero), List.of(a, b));
        assertEquals(0.5f, a.value().getFloat(0));
        assertEquals(1f, b.value().getFloat(0));
    }

    @Test
    void misuseIsReportedClearly() {
        Adadelta opt = new Adadelta();
        List<Variable> vars = List.of(new Variable("w", ones(DataType.FLOAT, 2)));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> opt.apply(List.of(ones(DataType.FLOAT, 2), ones(DataType.FLOAT, 2)), vars));
        assertTrue(count.getMessage().contains("Received 2 gradients for 1 variables"), count.getMessage());
        opt.build(vars);
        assertThrows(IllegalStateException.class, () -> opt.build(vars));
        assertThrows(IllegalArgumentException.class, () -> new LossScaleOptimizer(opt));
    }

    @Test
    void lossScaleOptimizerSkipsNonFiniteStepsAndHalvesTheScale() {
        Adadelta inner = new Adadelta(1.0);
        LossScaleOptimizer lso = new LossScaleOptimizer(inner, 8.0, 2, null);
        assertEquals(24.0, lso.scaleLoss(3.0), "before the build the initial scale is used");
        Variable w = new Variable("w", ones(DataType.FLOAT, 2));
        lso.apply(List.of(Nd4j.createFromArray(Float.NaN, 1f)), List.of(w));
        assertEquals(4.0, lso.dynamicScale());
        assertEquals(0, lso.iterations(), "a skipped step is not counted by the inner optimizer");
        assertEquals(1f, w.value().getFloat(1));
        lso.apply(List.of(Nd4j.createFromArray(4f, 4f)), List.of(w));
        lso.apply(List.of(Nd4j.createFromArray(4f, 4f)), List.of(w));
        assertEquals(8.0, lso.dynamicScale(), "two finite steps in a row double the scale");
        assertEquals(2, lso.iterations());
    }

    private static List<String> roles(Optimizer opt) {
        return opt.optimizerVariables().stream().map(OptimizerVariable::role).toList();
    }

    private static INDArray ones(DataType type, long... shape) {
        return Nd4j.ones(type, shape);
    }
}
