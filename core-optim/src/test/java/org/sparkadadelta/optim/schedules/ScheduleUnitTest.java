package org.sparkadadelta.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.sparkadadelta.optim.golden.GoldenFiles;

class ScheduleUnitTest {

    // ---------------------------------------------------------------- validation messages (errors.json)

    private static Map<String, JsonNode> schedProbes() {
        JsonNode root = GoldenFiles.read(GoldenFiles.sibling("errors.json"));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode p : root.path("probes")) {
            String id = p.path("id").asText();
            if (id.startsWith("sched_")) {
                out.put(id, p);
            }
        }
        assertFalse(out.isEmpty(), "errors.json has no sched_* probes");
        return out;
    }

    /** Every sched_* probe, replayed by parsing its Python call and going through {@link Schedules#fromConfig}. */
    @TestFactory
    Stream<DynamicTest> errorProbesReplayThroughFromConfig() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : schedProbes().entrySet()) {
            JsonNode p = e.getValue();
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                PyCall call = PyCall.parse(p.path("call").asText());
                Executable build = () -> Schedules.fromConfig(call.callee, call.asKeywords());
                if ("raises".equals(p.path("outcome").asText())) {
                    assertEquals("ValueError", p.path("exception").asText(), "only ValueError maps to IAE");
                    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, build);
                    assertEquals(p.path("message").asText(), ex.getMessage());
                } else {
                    build.execute();
                }
            }));
        }
        return tests.stream();
    }

    /** The same probes through the Java constructors; an unmapped probe id fails so new probes get a look. */
    @TestFactory
    Stream<DynamicTest> errorProbesThroughConstructors() {
        Map<String, Executable> calls = new HashMap<>();
        calls.put("sched_exp_decay_steps_0", () -> new ExponentialDecay(0.1, 0, 0.9));
        calls.put("sched_poly_decay_steps_neg", () -> new PolynomialDecay(0.1, -1));
        calls.put("sched_inv_decay_steps_0", () -> new InverseTimeDecay(0.1, 0, 0.5));
        calls.put("sched_cos_decay_steps_0", () -> new CosineDecay(0.1, 0));
        calls.put("sched_cdr_first_steps_0", () -> new CosineDecayRestarts(0.1, 0));
        calls.put("sched_piecewise_len",
                () -> new PiecewiseConstantDecay(new long[] {1, 2}, new double[] {0.1, 0.2}));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : schedProbes().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                Executable call = calls.get(e.getKey());
                if (call == null) {
                    fail("no Java constructor call mapped for probe " + e.getKey() + ": "
                            + e.getValue().path("call").asText());
                }
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
                assertEquals(e.getValue().path("message").asText(), ex.getMessage());
            }));
        }
        return tests.stream();
    }

    @Test
    void validationRejectsNegativeAndAcceptsOne() {
        assertEquals("Argument `decay_steps` must be > 0. Received: decay_steps=-7",
                assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(1, -7, 0.5, true, "x"))
                        .getMessage());
        assertEquals("Argument `first_decay_steps` must be > 0. Received: first_decay_steps=-3",
                assertThrows(IllegalArgumentException.class,
                        () -> new CosineDecayRestarts(1, -3, 1.0, 1.0, 0.0, null)).getMessage());
        assertEquals(1.0f, new CosineDecay(1.0, 1).valueAt(0));
    }

    @Test
    void piecewiseLengthMessagePrintsPythonLists() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseConstantDecay(new long[] {10, 20, 30}, new double[] {1e-7, 1.0}));
        assertEquals("The length of boundaries should be 1 less than the length of values. Received: "
                + "boundaries=[10, 20, 30] of length 3, and values=[1e-07, 1.0] of length 2.", ex.getMessage());
        // Through fromConfig the lists print as given: Python shows a float boundary as 10.0.
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("boundaries", List.of(10.0));
        cfg.put("values", List.of(1, 0.5, 0.25));
        ex = assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig("PiecewiseConstantDecay", cfg));
        assertEquals("The length of boundaries should be 1 less than the length of values. Received: "
                + "boundaries=[10.0] of length 1, and values=[1, 0.5, 0.25] of length 3.", ex.getMessage());
    }

    @Test
    void fromConfigPrintsFloatDecayStepsAsPythonWould() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("initial_learning_rate", 0.1);
        cfg.put("decay_steps", 0.0);
        cfg.put("decay_rate", 0.9);
        IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig("ExponentialDecay", cfg));
        assertEquals("Argument `decay_steps` must be > 0. Received: decay_steps=0.0", ex.getMessage());
    }

    // ---------------------------------------------------------------- config defaults (config_defaults.json)

    private static Map<String, JsonNode> scheduleDefaults() {
        JsonNode root = GoldenFiles.read(GoldenFiles.sibling("config_defaults.json"));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (Schedules.MODULE.equals(e.getValue().path("module").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        assertFalse(out.isEmpty(), "config_defaults.json has no schedule entries");
        return out;
    }

    private static void assertSameConfig(Map<String, Object> expected, Map<String, Object> actual, String what) {
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), what + ": key order");
        assertEquals(expected, actual, what);
        // Map.equals would accept 10L for 10.0 only if types matched; check the types explicitly anyway.
        expected.forEach((k, v) -> {
            if (v != null) {
                assertEquals(v.getClass(), actual.get(k).getClass(), what + ": type of " + k);
            }
        });
    }

    /** serialize(fromConfig(cfg)) equals the golden serialize() output, and the call's defaults match. */
    @TestFactory
    Stream<DynamicTest> configDefaultsRoundTrip() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : scheduleDefaults().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> serialized = (Map<String, Object>) GoldenFiles.normalise(
                        GoldenFiles.toMap(e.getValue()));
                @SuppressWarnings("unchecked")
                Map<String, Object> cfg = (Map<String, Object>) serialized.get("config");
                String cls = (String) serialized.get("class_name");

                LearningRateSchedule s = Schedules.fromConfig(cls, cfg);
                assertSameConfig(cfg, s.config(), "fromConfig round trip");
                assertEquals(serialized, Schedules.serialize(s));
                assertEquals(s, Schedules.deserialize(serialized));

                // The description is the constructor call: only the given arguments, Keras defaults for the rest.
                PyCall call = PyCall.parse(e.getKey());
                assertEquals(cls, call.callee);
                assertSameConfig(cfg, Schedules.fromConfig(cls, call.asKeywords()).config(), "defaults");
            }));
        }
        return tests.stream();
    }

    /** The Java required-arguments constructors give exactly Keras's default configs. */
    @TestFactory
    Stream<DynamicTest> javaConstructorDefaults() {
        Map<String, Supplier<LearningRateSchedule>> ctors = new LinkedHashMap<>();
        ctors.put("ExponentialDecay(0.1, 10, 0.9)", () -> new ExponentialDecay(0.1, 10, 0.9));
        ctors.put("PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001])",
                () -> new PiecewiseConstantDecay(new long[] {10, 20}, new double[] {0.1, 0.01, 0.001}));
        ctors.put("PolynomialDecay(0.1, 10)", () -> new PolynomialDecay(0.1, 10));
        ctors.put("InverseTimeDecay(0.1, 10, 0.5)", () -> new InverseTimeDecay(0.1, 10, 0.5));
        ctors.put("CosineDecay(0.1, 10)", () -> new CosineDecay(0.1, 10));
        ctors.put("CosineDecayRestarts(0.1, 10)", () -> new CosineDecayRestarts(0.1, 10));
        Map<String, JsonNode> golden = scheduleDefaults();
        List<DynamicTest> tests = new ArrayList<>();
        ctors.forEach((key, ctor) -> tests.add(DynamicTest.dynamicTest(key, () -> {
            JsonNode entry = golden.get(key);
            if (entry == null) {
                fail("config_defaults.json has no entry " + key);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cfg = (Map<String, Object>) GoldenFiles.normalise(
                    GoldenFiles.toMap(entry.path("config")));
            LearningRateSchedule s = ctor.get();
            assertEquals(entry.path("class_name").asText(), s.className());
            assertSameConfig(cfg, s.config(), key);
        })));
        return tests.stream();
    }

    @Test
    void scheduleNestedInOptimizerConfigRoundTrips() {
        JsonNode root = GoldenFiles.read(GoldenFiles.sibling("config_defaults.json"));
        int seen = 0;
        for (JsonNode entry : root) {
            JsonNode lr = entry.path("config").path("learning_rate");
            if (lr.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> serialized = (Map<String, Object>) GoldenFiles.normalise(GoldenFiles.toMap(lr));
                assertEquals(serialized, Schedules.serialize(Schedules.deserialize(serialized)));
                seen++;
            }
        }
        assertTrue(seen > 0, "no optimizer entry with a schedule learning_rate");
    }

    @Test
    void configKeepsValuesUnroundedAndNullName() {
        Map<String, Object> c = new CosineDecay(0.1, 10, 1e-7, null, 0.3, 5).config();
        assertEquals(0.1, c.get("initial_learning_rate"));
        assertEquals(1e-7, c.get("alpha"));
        assertEquals(0.3, c.get("warmup_target"));
        assertEquals(5L, c.get("warmup_steps"));
        assertTrue(c.containsKey("name"));
        assertNull(c.get("name"));
        assertEquals("CosineDecay(initial_learning_rate=0.1, decay_steps=10, alpha=1e-07, name=None, "
                + "warmup_target=0.3, warmup_steps=5)", new CosineDecay(0.1, 10, 1e-7, null, 0.3, 5).toString());
    }

    // ---------------------------------------------------------------- fromConfig parsing

    @Test
    void fromConfigRejectsUnknownClassAndKey() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromConfig("LinearDecay", Map.of()));
        assertTrue(ex.getMessage().contains("'LinearDecay'"), ex.getMessage());

        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("initial_learning_rate", 0.1);
        cfg.put("decay_steps", 10);
        cfg.put("decay_rate", 0.9);
        cfg.put("decay_rte", 0.9);
        ex = assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig("ExponentialDecay", cfg));
        assertEquals("ExponentialDecay.__init__() got an unexpected keyword argument 'decay_rte'", ex.getMessage());
    }

    @Test
    void fromConfigReportsMissingRequiredArguments() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Schedules.fromConfig("InverseTimeDecay", Map.of("initial_learning_rate", 1.0)));
        assertEquals("InverseTimeDecay.__init__() missing 2 required positional arguments: 'decay_steps' and "
                + "'decay_rate'", ex.getMessage());
    }

    @Test
    void fromConfigStepCountsMustBeIntegral() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("initial_learning_rate", 1);
        cfg.put("decay_steps", 10.0);
        LearningRateSchedule s = Schedules.fromConfig("PolynomialDecay", cfg);
        assertEquals(10L, s.config().get("decay_steps"));
        assertEquals(1.0, s.config().get("initial_learning_rate"));
        assertEquals(0.0001, s.config().get("end_learning_rate"));

        cfg.put("decay_steps", 2.5);
        IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig("PolynomialDecay", cfg));
        assertTrue(ex.getMessage().contains("decay_steps") && ex.getMessage().contains("2.5"), ex.getMessage());

        Map<String, Object> pw = new LinkedHashMap<>();
        pw.put("boundaries", List.of(3, 4.5));
        pw.put("values", List.of(1.0, 0.5, 0.1));
        ex = assertThrows(IllegalArgumentException.class, () -> Schedules.fromConfig("PiecewiseConstantDecay", pw));
        assertTrue(ex.getMessage().contains("boundaries") && ex.getMessage().contains("4.5"), ex.getMessage());
    }

    @Test
    void fromConfigAcceptsNonFiniteStringsAndLongs() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("initial_learning_rate", "Infinity");
        cfg.put("first_decay_steps", 4L);
        LearningRateSchedule s = Schedules.fromConfig("CosineDecayRestarts", cfg);
        assertEquals(Float.POSITIVE_INFINITY, s.valueAt(0));
        assertEquals(Double.POSITIVE_INFINITY, s.config().get("initial_learning_rate"));
    }

    // ---------------------------------------------------------------- values

    @Test
    void piecewiseStepOnBoundaryGetsEarlierValue() {
        PiecewiseConstantDecay s =
                new PiecewiseConstantDecay(new long[] {5, 15, 30}, new double[] {1.0, 0.5, 0.25, 0.1});
        long[] steps = {0, 4, 5, 6, 14, 15, 16, 29, 30, 31, 1_000_000};
        float[] want = {1.0f, 1.0f, 1.0f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.1f, 0.1f};
        for (int i = 0; i < steps.length; i++) {
            assertEquals(want[i], s.valueAt(steps[i]), "step " + steps[i]);
        }
        PiecewiseConstantDecay one = new PiecewiseConstantDecay(new long[] {0}, new double[] {0.3, 0.2});
        assertEquals(0.3f, one.valueAt(0));
        assertEquals(0.2f, one.valueAt(1));
    }

    @Test
    void piecewiseSumsIndicatorsLikeKeras() {
        // 0 * inf is NaN in Keras's indicator sum: an infinite value gives NaN outside its own interval.
        PiecewiseConstantDecay inf = new PiecewiseConstantDecay(new long[] {2}, new double[] {1.0,
                Double.POSITIVE_INFINITY});
        assertTrue(Float.isNaN(inf.valueAt(0)));
        assertTrue(Float.isNaN(inf.valueAt(2)));
        assertEquals(Float.POSITIVE_INFINITY, inf.valueAt(5));
        // 0 + 1 * -0.0 is +0.0.
        PiecewiseConstantDecay negZero = new PiecewiseConstantDecay(new long[] {2}, new double[] {-0.0, 1.0});
        assertEquals(Float.floatToIntBits(0.0f), Float.floatToIntBits(negZero.valueAt(0)));
        assertThrows(IndexOutOfBoundsException.class,
                () -> new PiecewiseConstantDecay(new long[0], new double[] {0.5}).valueAt(0));
    }

    @Test
    void exponentialStaircase() {
        ExponentialDecay stair = new ExponentialDecay(1.0, 10, 0.5, true, "ExponentialDecay");
        ExponentialDecay smooth = new ExponentialDecay(1.0, 10, 0.5);
        assertEquals(1.0f, stair.valueAt(0));
        assertEquals(1.0f, stair.valueAt(9));
        assertEquals(0.5f, stair.valueAt(10));
        assertEquals(0.5f, stair.valueAt(19));
        assertEquals(0.25f, stair.valueAt(20));
        assertEquals(0.25f, stair.valueAt(29));
        assertEquals(0.5f, smooth.valueAt(10));
        assertEquals(0.70710677f, smooth.valueAt(5)); // f32(sqrt(0.5))
        assertNotEquals(stair.valueAt(5), smooth.valueAt(5));
    }

    @Test
    void inverseTimeStaircase() {
        InverseTimeDecay stair = new InverseTimeDecay(1.0, 5, 0.5, true, "InverseTimeDecay");
        InverseTimeDecay smooth = new InverseTimeDecay(1.0, 5, 0.5);
        assertEquals(1.0f, stair.valueAt(4));
        assertEquals(1f / 1.5f, stair.valueAt(5));
        assertEquals(1f / 1.5f, stair.valueAt(9));
        assertEquals(0.5f, stair.valueAt(10));
        assertEquals(1f / 1.4f, smooth.valueAt(4));
        assertEquals(0.5f, smooth.valueAt(10));
    }

    @Test
    void polynomialCycleStretchesDecaySteps() {
        PolynomialDecay cyc = new PolynomialDecay(1.0, 10, 0.0, 1.0, true, "PolynomialDecay");
        PolynomialDecay flat = new PolynomialDecay(1.0, 10, 0.0, 1.0, false, "PolynomialDecay");
        assertEquals(1.0f, cyc.valueAt(0)); // multiplier 1 at step 0, not ceil(0) = 0
        assertEquals(0.5f, cyc.valueAt(5));
        assertEquals(0.0f, cyc.valueAt(10)); // ceil(10/10) = 1: the end of the first cycle, not a restart
        assertEquals(1f - 11f / 20f, cyc.valueAt(11));
        assertEquals(0.0f, cyc.valueAt(20));
        assertEquals(1f - 21f / 30f, cyc.valueAt(21));
        assertEquals(0.0f, flat.valueAt(11));
        assertEquals(0.0f, flat.valueAt(1000));

        PolynomialDecay sq = new PolynomialDecay(0.5, 7, 0.01, 2.0, true, null);
        for (long step = 0; step <= 60; step++) {
            double ds = 7 * (step == 0 ? 1 : Math.ceil(step / 7.0));
            double ref = (0.5 - 0.01) * Math.pow(1 - step / ds, 2) + 0.01;
            assertEquals(ref, sq.valueAt(step), 1e-6, "step " + step);
        }
    }

    @Test
    void cosineWarmupThenDecayFromTarget() {
        CosineDecay s = new CosineDecay(0.0, 10, 0.0, "CosineDecay", 1.0, 4);
        assertEquals(0.0f, s.valueAt(0));
        assertEquals(0.25f, s.valueAt(1));
        assertEquals(0.5f, s.valueAt(2));
        assertEquals(0.75f, s.valueAt(3));
        assertEquals(1.0f, s.valueAt(4)); // step == warmup_steps: the decay branch at t = 0
        assertEquals(0.5f, s.valueAt(9), 1e-7f);
        assertEquals(0.0f, s.valueAt(14));
        assertEquals(s.valueAt(14), s.valueAt(1000)); // clamped at decay_steps + warmup_steps

        // Warmup from a non-zero start; the decay uses alpha relative to the target.
        CosineDecay w = new CosineDecay(0.1, 8, 0.2, "w", 0.5, 2);
        assertEquals((0.5f - 0.1f) * (1f / 2f) + 0.1f, w.valueAt(1));
        for (long step = 2; step <= 40; step++) {
            double t = Math.min(step, 10) - 2;
            double ref = 0.5 * ((1 - 0.2) * 0.5 * (1 + Math.cos(Math.PI * t / 8)) + 0.2);
            assertEquals(ref, w.valueAt(step), 1e-6, "step " + step);
        }
    }

    @Test
    void cosineOneMinusAlphaIsRoundedFromDouble() {
        // f32(1 - 0.9) and 1f - 0.9f differ; CosineDecay uses the former, CosineDecayRestarts the latter.
        assertEquals(0.97499996f, new CosineDecay(1.0, 3, 0.9, "CosineDecay", null, 0).valueAt(1));
        assertEquals(0.975f, new CosineDecayRestarts(1.0, 3, 1.0, 1.0, 0.9, "SGDRDecay").valueAt(1));
    }

    @Test
    void cosineRestartsWithUnitTMulHasFixedPeriod() {
        CosineDecayRestarts s = new CosineDecayRestarts(1.0, 4, 1.0, 0.5, 0.0, "SGDRDecay");
        assertEquals(1.0f, s.valueAt(0));
        assertEquals(0.5f, s.valueAt(4));
        assertEquals(0.25f, s.valueAt(8));
        for (long j = 0; j < 4; j++) {
            // Each period is the first one scaled by m_mul^i (an exact power-of-two scaling here).
            assertEquals(s.valueAt(j) * 0.25f, s.valueAt(8 + j), "step " + (8 + j));
            double ref = Math.pow(0.5, 2) * 0.5 * (1 + Math.cos(Math.PI * j / 4.0));
            assertEquals(ref, s.valueAt(8 + j), 1e-7);
        }
        CosineDecayRestarts geometric = new CosineDecayRestarts(1.0, 4, 2.0, 0.5, 0.0, "SGDRDecay");
        assertNotEquals(s.valueAt(8), geometric.valueAt(8));
    }

    @Test
    void cosineRestartsGeometricPeriods() {
        // t_mul = 2: periods of 4, 8, 16 steps starting at 0, 4, 12, 28.
        CosineDecayRestarts s = new CosineDecayRestarts(2.0, 4, 2.0, 0.7, 0.05, "SGDRDecay");
        long[] starts = {0, 4, 12, 28};
        long[] lengths = {4, 8, 16, 32};
        for (int i = 0; i < starts.length; i++) {
            for (long j = 0; j < lengths[i]; j++) {
                double frac = (double) j / lengths[i];
                double ref = 2.0 * ((1 - 0.05) * 0.5 * Math.pow(0.7, i) * (1 + Math.cos(Math.PI * frac)) + 0.05);
                assertEquals(ref, s.valueAt(starts[i] + j), 2e-6, "step " + (starts[i] + j));
            }
        }
    }

    @Test
    void equalityFollowsConfig() {
        assertEquals(new ExponentialDecay(0.1, 10, 0.9), new ExponentialDecay(0.1, 10, 0.9, false,
                "ExponentialDecay"));
        assertEquals(new ExponentialDecay(0.1, 10, 0.9).hashCode(), new ExponentialDecay(0.1, 10, 0.9).hashCode());
        assertNotEquals(new ExponentialDecay(0.1, 10, 0.9), new ExponentialDecay(0.1, 10, 0.9, true,
                "ExponentialDecay"));
        assertNotEquals(new ExponentialDecay(0.1, 10, 0.9), new InverseTimeDecay(0.1, 10, 0.9));
    }
}
