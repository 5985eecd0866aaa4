package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.BaseOptimizer;
import org.sparkadadelta.optim.ClippingSeam;
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
 * Differential records of norm-clipped runs also carry Keras's clipping input and output: there our gradient
 * is checked going into clipping (bit for bit) and coming out of it (within a few ulp), and Keras's clipped
 * gradient continues the step ({@link KerasClipping}), so that everything else is still compared bit for bit.
 */
public final class GoldenReplay {
    private GoldenReplay() {
    }

    public static void replay(GoldenCase c) {
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
        // Differential records of norm-clipped runs carry Keras's clipping input and output (KerasClipping).
        KerasClipping clipping = null;
        if (c.hasClippingRecords()) {
            clipping = new KerasClipping(vars, Precision.fromKerasName(c.root.path("gradient_dtype").asText()));
            ClippingSeam.observe(adadelta, clipping);
        }

        for (JsonNode step : steps) {
            String at = "step " + step.path("step").asInt();
            assertEquals(step.path("raw_iterations_before").asLong(), opt.rawIterations(), at + ": raw iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("lr_used")), (float) opt.learningRateValue(),
                        at + ": lr_used");
            }
            warnings.clear();
            if (clipping != null) {
                clipping.expect(step, at);
            }
            opt.apply(c.gradients(step), vars);
            if (clipping != null) {
                clipping.checkCalls();
            }

            checkState(c, opt, vars, step, at);
            assertEquals(step.path("iterations").asLong(), opt.iterations(), at + ": iterations");
            assertEquals(step.path("raw_iterations").asLong(), opt.rawIterations(), at + ": raw_iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("learning_rate")), (float) opt.learningRateValue(),
                        at + ": learning_rate after the step");
            }
            assertEquals(expectedWarnings(step), warnings, at + ": warnings");
        }

        opt.finalizeVariableValues(vars);
        checkState(c, opt, vars, c.root.path("after_finalize"), "after finalize");
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

    /**
     * Compares every model variable and optimizer variable with Keras's {@code expected} state (a step record
     * or {@code after_finalize}), bit for bit.
     */
    private static void checkState(GoldenCase c, Optimizer opt, List<Variable> vars, JsonNode expected, String at) {
        for (Variable v : vars) {
            Bits.assertTensor(expected.path("variables").path(v.name()), v.value(), at + ": variable " + v.name());
        }
        List<OptimizerVariable> ours = opt.optimizerVariables();
        JsonNode layout = c.root.path("optimizer_variables");
        for (int i = 0; i < layout.size(); i++) {
            String path = layout.get(i).path("path").asText();
            JsonNode want = expected.path("optimizer_variables").path(path);
            if (want.isMissingNode()) {
                fail(at + ": golden file has no value for " + path);
            }
            Bits.assertTensor(want, ours.get(i).variable().value(), at + ": " + path);
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
