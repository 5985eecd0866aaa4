package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.BaseOptimizer;
import org.sparkadadelta.optim.LearningRate;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;

/**
 * Replays every golden case in {@code -Dkeras.golden.dir} against our optimizer, built from the case's own
 * Keras config JSON. Non-schedule cases must agree bit for bit at every step (NaN, infinities and signed
 * zeros included); schedule cases are replayed with Keras's recorded learning rate injected, which must
 * then also agree bit for bit (the schedule values themselves are checked by ScheduleGoldenTest).
 * What each case exercises is decided from its contents, never from its name.
 */
class KerasParityTest {

    @TestFactory
    Stream<DynamicNode> everyGoldenCase() {
        return GoldenFiles.caseFiles().stream().map(file -> {
            GoldenCase c = GoldenCase.load(file);
            return DynamicContainer.dynamicContainer(c.name(), file.toUri(), Stream.of(
                    DynamicTest.dynamicTest(c.name() + ": trajectory", () -> replay(c)),
                    DynamicTest.dynamicTest(c.name() + ": config round trip", () -> configRoundTrip(c))));
        });
    }

    private static void configRoundTrip(GoldenCase c) {
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

    static void replay(GoldenCase c) {
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
            // Keras's float32 pow/cos/log are not correctly rounded: feed its own lr to test the optimizer alone.
            opt.setLearningRate(LearningRate.of(() -> recordedLr(steps, opt.rawIterations())));
        }
        List<Variable> vars = c.newVariables();
        opt.build(vars);
        checkLayout(c, opt);
        checkState(c, opt, vars, c.root.path("optimizer_variables"), "initial", "after build");

        for (JsonNode step : steps) {
            String at = "step " + step.path("step").asInt();
            assertEquals(step.path("raw_iterations_before").asLong(), opt.rawIterations(), at + ": raw iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("lr_used")), (float) opt.learningRateValue(),
                        at + ": lr_used");
            }
            warnings.clear();
            opt.apply(c.gradients(step), vars);

            for (Variable v : vars) {
                Bits.assertTensor(step.path("variables").path(v.name()), v.value(), at + ": variable " + v.name());
            }
            assertEquals(step.path("iterations").asLong(), opt.iterations(), at + ": iterations");
            assertEquals(step.path("raw_iterations").asLong(), opt.rawIterations(), at + ": raw_iterations");
            if (!injected) {
                Bits.assertSame(GoldenFiles.number(step.path("learning_rate")), (float) opt.learningRateValue(),
                        at + ": learning_rate after the step");
            }
            checkOptimizerVariables(c, opt, step.path("optimizer_variables"), at);
            assertEquals(expectedWarnings(step), warnings, at + ": warnings");
        }

        opt.finalizeVariableValues(vars);
        JsonNode after = c.root.path("after_finalize");
        for (Variable v : vars) {
            Bits.assertTensor(after.path("variables").path(v.name()), v.value(), "after finalize: " + v.name());
        }
        checkOptimizerVariables(c, opt, after.path("optimizer_variables"), "after finalize");
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

    private static void checkOptimizerVariables(GoldenCase c, Optimizer opt, JsonNode values, String at) {
        checkState(c, opt, null, values, null, at);
    }

    /** Compares every optimizer variable, either with a per-step map (by path) or the layout's initial values. */
    private static void checkState(GoldenCase c, Optimizer opt, List<Variable> vars, JsonNode source, String field,
            String at) {
        List<OptimizerVariable> ours = opt.optimizerVariables();
        JsonNode layout = c.root.path("optimizer_variables");
        for (int i = 0; i < layout.size(); i++) {
            JsonNode meta = layout.get(i);
            String path = meta.path("path").asText();
            JsonNode expected = field != null ? source.get(i).path(field) : source.path(path);
            if (expected.isMissingNode()) {
                fail(at + ": golden file has no value for " + path);
            }
            Bits.assertTensor(expected, ours.get(i).variable().value(), at + ": " + path);
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
