package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.optim.schedules.CosineDecay;
import org.sparkadadelta.optim.schedules.CosineDecayRestarts;
import org.sparkadadelta.optim.schedules.ExponentialDecay;
import org.sparkadadelta.optim.schedules.InverseTimeDecay;
import org.sparkadadelta.optim.schedules.PiecewiseConstantDecay;
import org.sparkadadelta.optim.schedules.PolynomialDecay;

/**
 * Every probe of errors.json, run through its Java equivalent. Keyword-argument calls such as
 * {@code Adadelta(learning_rate=1)} go through {@link Adadelta#fromConfig}, which is how Keras's
 * {@code cls(**config)} reaches us (and where Python's dynamic types can arrive). Keras's
 * {@code ValueError} is {@link IllegalArgumentException}; its {@code TypeError} (setting a float on a
 * schedule) is {@link UnsupportedOperationException}. A probe without a Java equivalent fails the test, so
 * new probes cannot slip through.
 */
class KerasErrorProbeTest {
    private static final Map<String, Class<? extends RuntimeException>> EXCEPTIONS = Map.of(
            "ValueError", IllegalArgumentException.class,
            "TypeError", UnsupportedOperationException.class);

    /** Deliberate differences from Keras, each with the behaviour we assert instead (see README). */
    private static final Map<String, String> DEVIATIONS = Map.of(
            "accum_float", "a non-integral gradient_accumulation_steps is rejected: Keras accepts 2.5 and then "
                    + "updates on every step where (iterations + 1) % 2.5 == 0, dividing by 2.5");

    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Probe> probes = new HashMap<>();

    @FunctionalInterface
    interface Probe {
        /** Runs the call; may return a value for the probe's "result" checks. */
        void run() throws Exception;
    }

    KerasErrorProbeTest() {
        kwargs("lr_int", Map.of("learning_rate", 1));
        kwargs("lr_np_float32", Map.of("learning_rate", 0.1f));
        kwargs("lr_np_float64", Map.of("learning_rate", 0.1));
        kwargs("lr_str", Map.of("learning_rate", "0.1"));
        kwargs("lr_none", nullable("learning_rate", null));
        kwargs("lr_negative", Map.of("learning_rate", -1.0));
        kwargs("clipnorm_and_clipvalue", Map.of("clipnorm", 1.0, "clipvalue", 1.0));
        kwargs("clipnorm_and_global", Map.of("clipnorm", 1.0, "global_clipnorm", 1.0));
        kwargs("clipnorm_zero_and_clipvalue", Map.of("clipnorm", 0.0, "clipvalue", 0.1));
        kwargs("clipnorm_negative", Map.of("clipnorm", -1.0));
        kwargs("accum_1", Map.of("gradient_accumulation_steps", 1));
        kwargs("accum_0", Map.of("gradient_accumulation_steps", 0));
        kwargs("accum_neg", Map.of("gradient_accumulation_steps", -2));
        probes.put("accum_float", () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Adadelta.fromConfig(Map.of("gradient_accumulation_steps", 2.5), warnings::add));
            assertEquals("Argument `gradient_accumulation_steps` must be an integer or None. Received: "
                    + "gradient_accumulation_steps=2.5", e.getMessage());
        });
        kwargs("ema_momentum_gt1", Map.of("use_ema", true, "ema_momentum", 1.5));
        kwargs("ema_momentum_neg", Map.of("use_ema", true, "ema_momentum", -0.1));
        kwargs("ema_momentum_gt1_no_ema", Map.of("use_ema", false, "ema_momentum", 1.5));
        kwargs("ema_freq_0", Map.of("use_ema", true, "ema_overwrite_frequency", 0));
        kwargs("ema_freq_neg", Map.of("use_ema", true, "ema_overwrite_frequency", -1));
        kwargs("ema_freq_float", Map.of("use_ema", true, "ema_overwrite_frequency", 2.0));
        kwargs("ema_freq_float_no_ema", Map.of("use_ema", false, "ema_overwrite_frequency", 2.0));
        kwargs("unknown_kwarg", Map.of("foo", 1));
        kwargs("decay_kwarg", Map.of("decay", 0.1));
        kwargs("rho_gt1", Map.of("rho", 1.5));
        kwargs("epsilon_neg", Map.of("epsilon", -1.0));
        kwargs("weight_decay_neg", Map.of("weight_decay", -0.1));
        probes.put("callable_lr", () -> {
            DoubleSupplier half = () -> 0.5;
            Adadelta opt = Adadelta.builder().learningRate(LearningRate.of(half)).name("p").build();
            List<Variable> vars = twoVariables();
            opt.apply(List.of(ones(2, 2), ones(2)), vars);
            assertEquals(1, opt.iterations());
            Map<String, Object> cfg = OptimizerSerialization.serialize(opt, warnings::add);
            Object lr = ((Map<?, ?>) cfg.get("config")).get("learning_rate");
            assertInstanceOf(Map.class, lr);
            assertEquals(List.of("class_name", "config"), new ArrayList<>(((Map<?, ?>) lr).keySet()));
        });
        schedule("sched_exp_decay_steps_0", () -> new ExponentialDecay(0.1, 0, 0.9));
        schedule("sched_poly_decay_steps_neg", () -> new PolynomialDecay(0.1, -1));
        schedule("sched_inv_decay_steps_0", () -> new InverseTimeDecay(0.1, 0, 0.5));
        schedule("sched_cos_decay_steps_0", () -> new CosineDecay(0.1, 0));
        schedule("sched_cdr_first_steps_0", () -> new CosineDecayRestarts(0.1, 0));
        schedule("sched_piecewise_len", () -> new PiecewiseConstantDecay(new long[] {1, 2}, new double[] {0.1, 0.2}));
        lso("lso_dynamic_false", Map.of("dynamic", false));
        lso("lso_clipnorm", Map.of("clipnorm", 1.0));
        lso("lso_default_arg_ok", Map.of("use_ema", false));
        lso("lso_unknown", Map.of("foo", 1));
        probes.put("apply_all_none", () -> new Adadelta().apply(Arrays.asList(null, null), twoVariables()));
        probes.put("apply_no_vars_unbuilt", () -> new Adadelta().apply(List.of(ones(2, 2), ones(2))));
        probes.put("apply_wrong_count", () -> {
            Adadelta opt = new Adadelta();
            opt.build(twoVariables());
            opt.apply(List.of(ones(2, 2)));
        });
        probes.put("apply_unknown_var", () -> {
            Adadelta opt = new Adadelta();
            opt.build(twoVariables());
            opt.apply(List.of(ones(2, 2), ones(2)), twoVariables());
        });
        probes.put("apply_empty", () -> {
            Adadelta opt = new Adadelta();
            opt.apply(List.of(), List.of());
            assertEquals(0, opt.iterations());
            assertFalse(opt.isBuilt());
        });
        probes.put("apply_shape_mismatch", () -> new Adadelta().apply(List.of(ones(2, 3), ones(2)), twoVariables()));
        probes.put("exclude_after_build", () -> {
            Adadelta opt = Adadelta.builder().learningRate(1.0).weightDecay(0.5).build();
            List<Variable> vars = twoVariables();
            opt.apply(List.of(zeros(2, 2), zeros(2)), vars);
            opt.excludeFromWeightDecay(List.of("bias"));
            INDArray kernelBefore = vars.get(0).value().dup();
            INDArray biasBefore = vars.get(1).value().dup();
            opt.apply(List.of(zeros(2, 2), zeros(2)), vars);
            assertNotEquals(kernelBefore, vars.get(0).value(), "kernel is still decayed");
            assertEquals(biasBefore, vars.get(1).value(), "bias is excluded from the second step on");
        });
        probes.put("set_lr_on_schedule", () -> Adadelta.builder()
                .learningRate(LearningRate.of(new ExponentialDecay(0.1, 10, 0.9))).build().setLearningRate(0.1));
        probes.put("set_lr_float", () -> {
            Adadelta opt = new Adadelta();
            opt.setLearningRate(0.25);
            assertEquals(0.25, opt.learningRateValue());
        });
        probes.put("finalize_wrong_len", () -> {
            Adadelta opt = Adadelta.builder().useEma(true).build();
            List<Variable> vars = twoVariables();
            opt.apply(List.of(ones(2, 2), ones(2)), vars);
            opt.finalizeVariableValues(vars.subList(0, 1));
        });
        probes.put("finalize_no_ema", () -> {
            Adadelta opt = new Adadelta();
            List<Variable> vars = twoVariables();
            opt.apply(List.of(ones(2, 2), ones(2)), vars);
            INDArray before = vars.get(0).value().dup();
            opt.finalizeVariableValues(vars);
            assertEquals(before, vars.get(0).value());
        });
    }

    @TestFactory
    Stream<DynamicTest> everyProbe() {
        JsonNode probesJson = GoldenFiles.read(GoldenFiles.sibling("errors.json")).path("probes");
        assertTrue(probesJson.size() > 0, "errors.json has no probes");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode p : probesJson) {
            String id = p.path("id").asText();
            tests.add(DynamicTest.dynamicTest(id + ": " + p.path("call").asText(), () -> check(id, p)));
        }
        return tests.stream();
    }

    private void check(String id, JsonNode p) throws Exception {
        Probe probe = probes.get(id);
        if (probe == null) {
            fail("errors.json probe '" + id + "' (" + p.path("call").asText() + ") has no Java equivalent here");
        }
        warnings.clear();
        if (DEVIATIONS.containsKey(id)) {
            probe.run(); // asserts our documented behaviour itself
            return;
        }
        if ("raises".equals(p.path("outcome").asText())) {
            Class<? extends RuntimeException> type = EXCEPTIONS.get(p.path("exception").asText());
            assertTrue(type != null, "unmapped exception type " + p.path("exception"));
            RuntimeException e = assertThrows(type, probe::run);
            assertEquals(p.path("message").asText(), e.getMessage());
        } else {
            probe.run();
            List<String> expected = new ArrayList<>();
            for (JsonNode w : p.path("warnings")) {
                expected.add(w.asText().replaceFirst("^UserWarning: ", ""));
            }
            if (!"callable_lr".equals(id)) { // Keras's lambda warning names Python source; ours names the class
                assertEquals(expected, warnings, "warnings");
            } else {
                assertEquals(1, warnings.size(), "one warning that the supplier cannot be deserialized");
            }
        }
    }

    private void kwargs(String id, Map<String, Object> arguments) {
        probes.put(id, () -> Adadelta.fromConfig(arguments, warnings::add));
    }

    private void lso(String id, Map<String, Object> arguments) {
        probes.put(id, () -> {
            Map<String, Object> cfg = new LinkedHashMap<>(arguments);
            cfg.put("inner_optimizer", OptimizerSerialization.serialize(new Adadelta()));
            Optimizer opt = LossScaleOptimizer.fromConfig(cfg, warnings::add);
            assertInstanceOf(LossScaleOptimizer.class, opt);
        });
    }

    private void schedule(String id, Runnable construct) {
        probes.put(id, construct::run);
    }

    private static Map<String, Object> nullable(String key, Object value) {
        Map<String, Object> m = new HashMap<>();
        m.put(key, value);
        return m;
    }

    private static List<Variable> twoVariables() {
        return List.of(new Variable("kernel", ones(2, 2)), new Variable("bias", ones(2)));
    }

    private static INDArray ones(long... shape) {
        return Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
    }

    private static INDArray zeros(long... shape) {
        return Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
    }
}
