package org.sparkadadelta.optim.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sparkadadelta.optim.golden.GoldenFiles;

/**
 * Replays the learning rate of every golden case whose optimizer uses a schedule: for each step,
 * {@code valueAt(raw_iterations_before)} must match {@code lr_used} and {@code valueAt(raw_iterations)}
 * must match {@code learning_rate}, within 8 float32 ulp or 6e-8 absolute (numpy's float32 pow/cos/log
 * are not correctly rounded, Java's are; see the golden README).
 */
public class ScheduleGoldenTest {
    static final int MAX_ULP = 8;
    static final double MAX_ABS = 6e-8;

    /** One evaluation to check: the raw iteration, the golden float32 value, and where it came from. */
    private record Probe(long raw, float expected, String where) {
    }

    @TestFactory
    Stream<DynamicTest> everyScheduleCaseMatchesKeras() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : GoldenFiles.caseFiles()) {
            JsonNode root = GoldenFiles.read(file);
            JsonNode lr = learningRateNode(root);
            if (lr == null || !lr.isObject()) {
                continue;
            }
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            tests.add(DynamicTest.dynamicTest(name, file.toUri(), () -> checkSchedule(name, root, true)));
        }
        // A directory without schedule cases is fine here; KerasParityTest fails on an empty directory.
        return tests.stream();
    }

    /**
     * Checks the learning rate of one golden case whose optimizer uses a schedule, at every step's raw
     * iteration before and after the step; {@code verbose} prints the case's max ulp and exact count.
     */
    public static void checkSchedule(String name, JsonNode root, boolean verbose) {
        JsonNode lr = learningRateNode(root);
        assertTrue(lr != null && lr.isObject(), name + ": no learning rate schedule");
        check(name, lr.path("class_name").asText(null), GoldenFiles.toMap(lr.path("config")), probes(root), verbose);
    }

    /** {@code config.config.learning_rate}, or the inner optimizer's for a LossScaleOptimizer. */
    public static JsonNode learningRateNode(JsonNode root) {
        JsonNode cfg = root.path("config").path("config");
        if ("LossScaleOptimizer".equals(root.path("optimizer_class").asText())) {
            cfg = cfg.path("inner_optimizer").path("config");
        }
        JsonNode lr = cfg.get("learning_rate");
        return lr == null || lr.isMissingNode() ? null : lr;
    }

    private static List<Probe> probes(JsonNode root) {
        List<Probe> out = new ArrayList<>();
        JsonNode steps = root.path("steps");
        for (JsonNode step : steps) {
            int i = step.path("step").asInt();
            out.add(new Probe(step.path("raw_iterations_before").longValue(),
                    (float) GoldenFiles.number(step.path("lr_used")), "step " + i + " lr_used"));
            out.add(new Probe(step.path("raw_iterations").longValue(),
                    (float) GoldenFiles.number(step.path("learning_rate")), "step " + i + " learning_rate (after)"));
        }
        return out;
    }

    private static void check(String name, String className, Map<String, Object> config, List<Probe> probes,
            boolean verbose) {
        assertFalse(probes.isEmpty(), name + ": no steps");
        LearningRateSchedule schedule = Schedules.fromConfig(className, config);
        assertEquals(className, schedule.className());
        assertEquals(GoldenFiles.normalise(config), schedule.config(), name + ": config round trip");

        List<String> failures = new ArrayList<>();
        long maxUlp = 0;
        int exact = 0;
        for (Probe p : probes) {
            float actual = schedule.valueAt(p.raw());
            long ulp = ulpDistance(actual, p.expected());
            if (Float.floatToIntBits(actual) == Float.floatToIntBits(p.expected())) {
                exact++;
            }
            maxUlp = Math.max(maxUlp, ulp);
            if (!close(actual, p.expected())) {
                failures.add(p.where() + " at raw " + p.raw() + ": expected " + p.expected() + " got " + actual
                        + " (" + ulp + " ulp)");
            }
        }
        if (verbose) {
            System.out.printf("[schedule golden] %-32s %-22s max_ulp=%d bit_exact=%d/%d%n", name, className,
                    maxUlp, exact, probes.size());
        }
        if (!failures.isEmpty()) {
            fail(name + ": " + failures.size() + " of " + probes.size() + " values off:\n  "
                    + String.join("\n  ", failures));
        }
        Probe last = probes.get(probes.size() - 1);
        assertTrue(close(schedule.valueAt(last.raw()), last.expected()), name + ": value after the last step");
    }

    /** Float32 ulps between two values of the same sign; Long.MAX_VALUE across signs or for one NaN. */
    static long ulpDistance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        int ia = Float.floatToIntBits(a);
        int ib = Float.floatToIntBits(b);
        if ((ia < 0) != (ib < 0)) {
            return a == b ? 0 : Long.MAX_VALUE;
        }
        return Math.abs((long) ia - (long) ib);
    }

    static boolean close(float actual, float expected) {
        return ulpDistance(actual, expected) <= MAX_ULP || Math.abs((double) actual - expected) <= MAX_ABS;
    }
}
