package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.BaseOptimizer;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.optim.tensor.Precision;

/**
 * Replays a golden case against our optimizer, built from the case's own Keras config JSON: every variable,
 * every optimizer slot, the iteration counters, the learning rate and the warnings at every step, then the
 * values after {@code finalize_variable_values}. Schedule cases get Keras's recorded learning rate injected
 * (Keras's float32 pow/cos/log are not correctly rounded; the schedule values are checked on their own).
 */
public final class GoldenReplay {
    /**
     * How float tensors are compared: bit for bit when {@code maxUlps} is 0, otherwise as
     * {@link Bits#assertTensorClose} does, within {@code maxUlps}, except the two Adadelta accumulators, which
     * hold squares (a relative error doubles when squared), within {@code squaresMaxUlps}. {@code float32Ulps}:
     * float64 values are compared in float32 ulps, for float32 gradients on float64 variables, whose error
     * comes from float32 arithmetic. {@code fromKerasState}: each step starts from Keras's recorded state of
     * the step before (variables and slots overwritten after each comparison), so that an ulp of difference
     * does not compound over the steps and each step's tolerance holds on its own.
     */
    public record Tolerance(long maxUlps, long squaresMaxUlps, boolean float32Ulps, boolean fromKerasState) {
        public static final Tolerance EXACT = new Tolerance(0, 0, false, false);

        long forRole(String role) {
            return role.equals("accumulated_grad") || role.equals("accumulated_delta_var") ? squaresMaxUlps : maxUlps;
        }
    }

    private GoldenReplay() {
    }

    public static void replay(GoldenCase c) {
        replay(c, Tolerance.EXACT);
    }

    public static void replay(GoldenCase c, Tolerance tolerance) {
        Assumptions.assumeFalse(c.usesNumpyFloat64Promotion(), "float64 variables follow TensorFlow's promotion "
                + "(the *_tfpromo cases); numpy-backend float64 (computed in float32) is not ported");
        List<String> warnings = new ArrayList<>();
        Optimizer opt = OptimizerSerialization.deserialize(c.serializedConfig(), warnings::add);
        opt.setWarningListener(warnings::add);
        BaseOptimizer adadelta = opt instanceof LossScaleOptimizer lso ? lso.innerOptimizer() : (BaseOptimizer) opt;
        if (!c.excludedNames().isEmpty()) {
            adadelta.excludeFromWeightDecay(c.excludedNames());
        }
        JsonNode steps = c.root.path("steps");
        boolean injected = c.hasSchedule();
        if (injected) {
            opt.setLearningRate(LearningRate.of(() -> recordedLr(steps, opt.rawIterations())));
        }
        List<Variable> vars = c.newVariables();
        opt.build(vars);
        checkLayout(c, opt);
        checkInitialState(c, opt);

        JsonNode before = initialState(c);  // Keras's values one step earlier, for the tolerance
        for (JsonNode step : steps) {
            String at = "step " + step.path("step").asInt();
            assertEquals(step.path("raw_iterations_before").asLong(), opt.rawIterations(), at + ": raw iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("lr_used")), (float) opt.learningRateValue(),
                        at + ": lr_used");
            }
            warnings.clear();
            opt.apply(c.gradients(step), vars);

            checkState(c, opt, vars, step, before, tolerance, at);
            assertEquals(step.path("iterations").asLong(), opt.iterations(), at + ": iterations");
            assertEquals(step.path("raw_iterations").asLong(), opt.rawIterations(), at + ": raw_iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("learning_rate")), (float) opt.learningRateValue(),
                        at + ": learning_rate after the step");
            }
            assertEquals(expectedWarnings(step), warnings, at + ": warnings");
            if (tolerance.fromKerasState()) {
                loadKerasState(opt, vars, step);
            }
            before = step;
        }

        opt.finalizeVariableValues(vars);
        checkState(c, opt, vars, c.root.path("after_finalize"), before, tolerance, "after finalize");
    }

    /** {@code serialize(deserialize(config))} gives Keras's config JSON back. */
    public static void configRoundTrip(GoldenCase c) {
        Map<String, Object> expected = c.serializedConfig();
        Optimizer opt = OptimizerSerialization.deserialize(expected, m -> { });
        String ours = KerasJson.write(OptimizerSerialization.serialize(opt));
        assertEquals(c.root.path("config"), parse(ours), "serialize(deserialize(config)) differs");
    }

    private static JsonNode parse(String json) {
        try {
            return GoldenFiles.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            return fail("our JSON does not parse: " + json, e);
        }
    }

    /** Same entries as Keras's {@code optimizer.variables}, in order, with Keras's names, paths and roles. */
    private static void checkLayout(GoldenCase c, Optimizer opt) {
        JsonNode expected = c.root.path("optimizer_variables");
        List<OptimizerVariable> ours = opt.optimizerVariables();
        List<String> want = new ArrayList<>();
        List<String> got = new ArrayList<>();
        int ownCount = opt instanceof LossScaleOptimizer ? ours.size() - ((LossScaleOptimizer) opt)
                .innerOptimizer().optimizerVariables().size() : 0;
        for (JsonNode e : expected) {
            want.add(e.path("index").asInt() + " " + e.path("owner").asText() + " " + e.path("role").asText() + " "
                    + e.path("model_variable").asText("-") + " " + e.path("name").asText() + " "
                    + e.path("path").asText() + " " + e.path("dtype").asText() + " " + e.path("shape"));
        }
        for (int i = 0; i < ours.size(); i++) {
            OptimizerVariable v = ours.get(i);
            String owner = opt instanceof LossScaleOptimizer ? (i < ownCount ? "outer" : "inner") : "optimizer";
            got.add(i + " " + owner + " " + v.role() + " "
                    + (v.modelVariable() == null ? "-" : v.modelVariable().name()) + " " + v.variable().name() + " "
                    + v.variable().path() + " " + v.variable().kerasDtype() + " " + shape(v.variable().value()));
        }
        assertEquals(String.join("\n", want), String.join("\n", got), "optimizer variables (index owner role "
                + "model_variable name path dtype shape)");
    }

    private static void checkInitialState(GoldenCase c, Optimizer opt) {
        JsonNode layout = c.root.path("optimizer_variables");
        List<OptimizerVariable> ours = opt.optimizerVariables();
        for (int i = 0; i < layout.size(); i++) {
            Bits.assertTensor(layout.get(i).path("initial"), ours.get(i).variable().value(),
                    "after build: " + layout.get(i).path("path").asText());
        }
    }

    /** Keras's state before the first step, shaped like a step record ({@code variables}, slots by path). */
    private static JsonNode initialState(GoldenCase c) {
        ObjectNode state = GoldenFiles.MAPPER.createObjectNode();
        ObjectNode variables = state.putObject("variables");
        for (JsonNode v : c.root.path("variables")) {
            variables.set(v.path("name").asText(), v.path("initial"));
        }
        ObjectNode slots = state.putObject("optimizer_variables");
        for (JsonNode o : c.root.path("optimizer_variables")) {
            slots.set(o.path("path").asText(), o.path("initial"));
        }
        return state;
    }

    /**
     * Compares every model variable and optimizer variable with Keras's {@code expected} state (a step record
     * or {@code after_finalize}), exactly or within the tolerance. The tolerance's scale is each element's
     * magnitude in Keras's values now and in {@code before}, the step before; for a moving average also its
     * model variable's, whose error it inherits (it is a copy of the variable after the first step).
     */
    private static void checkState(GoldenCase c, Optimizer opt, List<Variable> vars, JsonNode expected,
            JsonNode before, Tolerance tolerance, String at) {
        for (Variable v : vars) {
            JsonNode want = expected.path("variables").path(v.name());
            compare(want, List.of(want, before.path("variables").path(v.name())), v.value(), tolerance.maxUlps(),
                    tolerance, at + ": variable " + v.name());
        }
        List<OptimizerVariable> ours = opt.optimizerVariables();
        JsonNode layout = c.root.path("optimizer_variables");
        for (int i = 0; i < layout.size(); i++) {
            String path = layout.get(i).path("path").asText();
            String role = layout.get(i).path("role").asText();
            JsonNode want = expected.path("optimizer_variables").path(path);
            if (want.isMissingNode()) {
                fail(at + ": golden file has no value for " + path);
            }
            List<JsonNode> scales = new ArrayList<>(List.of(want, before.path("optimizer_variables").path(path)));
            if (role.equals("average")) {
                String model = layout.get(i).path("model_variable").asText();
                scales.add(expected.path("variables").path(model));
                scales.add(before.path("variables").path(model));
            }
            compare(want, scales, ours.get(i).variable().value(), tolerance.forRole(role), tolerance, at + ": " + path);
        }
    }

    private static void compare(JsonNode expected, List<JsonNode> scales, INDArray actual, long maxUlps,
            Tolerance tolerance, String what) {
        if (maxUlps == 0 || !actual.dataType().isFPType()) {
            Bits.assertTensor(expected, actual, what);
        } else {
            Bits.assertTensorClose(expected, scales, actual, maxUlps, tolerance.float32Ulps(), what);
        }
    }

    /** Overwrites our float variables and slots with Keras's values after {@code step} (counters already equal). */
    private static void loadKerasState(Optimizer opt, List<Variable> vars, JsonNode step) {
        for (Variable v : vars) {
            assignFloats(v, step.path("variables").path(v.name()));
        }
        for (OptimizerVariable o : opt.optimizerVariables()) {
            assignFloats(o.variable(), step.path("optimizer_variables").path(o.variable().path()));
        }
    }

    private static void assignFloats(Variable v, JsonNode flat) {
        INDArray value = v.value();
        if (value.dataType().isFPType()) {
            v.assign(GoldenCase.tensor(flat, value.shape(), Precision.fromKerasName(v.kerasDtype())));
        }
    }

    private static List<String> expectedWarnings(JsonNode step) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : step.path("warnings")) {
            String text = w.asText();
            assertTrue(text.startsWith("UserWarning: "), "unexpected warning class in golden file: " + text);
            out.add(text.substring("UserWarning: ".length()));
        }
        return out;
    }

    private static double recordedLr(JsonNode steps, long raw) {
        for (JsonNode s : steps) {
            if (s.path("raw_iterations_before").asLong() == raw) {
                return GoldenFiles.number(s.path("lr_used"));
            }
        }
        return fail("no recorded lr_used for raw iteration " + raw);
    }

    private static String shape(INDArray a) {
        return GoldenFiles.MAPPER.valueToTree(a.shape()).toString();
    }
}
