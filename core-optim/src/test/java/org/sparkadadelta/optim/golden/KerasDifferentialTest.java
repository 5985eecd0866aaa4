package org.sparkadadelta.optim.golden;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;
import org.sparkadadelta.optim.schedules.ScheduleGoldenTest;

/**
 * Differential test against real Keras: configurations drawn at random over every Adadelta argument, the
 * six schedules, the LossScaleOptimizer, float32/float64, shapes from scalars to more than 128 elements and
 * NaN/inf/zero/None gradients, each run in Keras 3 on TensorFlow ({@link KerasRecorder}) and replayed here
 * ({@link GoldenReplay}): every variable and slot at every step, the counters, the warnings and
 * {@code finalize_variable_values}, bit for bit; the config JSON must round-trip; schedule values are
 * checked within 8 ulp (and Keras's own value is injected for the optimizer comparison).
 *
 * <p>The exception is norm clipping ({@code clipnorm}, {@code global_clipnorm} > 0): TensorFlow sums the
 * squares in its own order, so the norm, and through it every clipped element, may differ by an ulp or two.
 * There each step starts from Keras's state after the step before, so the tolerance bounds one step's error
 * instead of compounding over the trajectory, and each element must be within {@value #CLIPNORM_ULPS} ulp
 * ({@value #CLIPNORM_SQUARES_ULPS} for the Adadelta accumulators, which hold squares of the clipped
 * gradient: twice its relative error, plus two roundings) of the element's scale: the larger of Keras's value and Keras's value
 * one step earlier, for a moving average also its variable's (the step's update is at most that large, and a
 * variable that cancels to near zero keeps the update's absolute error; {@link Bits#assertTensorClose}).
 * NaN, infinities and signed zeros must be the same (a zero comes from exact arithmetic, e.g. a zero gradient
 * times the positive clipping factor). With float32 gradients the ulps are float32 ulps even for float64
 * variables: clipping runs in the gradient's dtype.
 *
 * <p>{@code -Dkeras.diff.seed=N} reproduces a run (default: a fresh seed, printed), {@code
 * -Dkeras.diff.configs=N} sets the count (default {@value #DEFAULT_CONFIGS}), {@code -Dkeras.diff.first=I}
 * starts at configuration I (with {@code configs=1}: one configuration alone). Skipped only when python3
 * cannot import keras and tensorflow.
 */
class KerasDifferentialTest {
    static final int DEFAULT_CONFIGS = 200;
    static final long CLIPNORM_ULPS = 4;
    /** A square doubles the relative error; then (1 - rho) * g^2 and its sum with rho * E[g^2] round twice more. */
    static final long CLIPNORM_SQUARES_ULPS = 2 * CLIPNORM_ULPS + 2;

    @TestFactory
    Stream<DynamicTest> randomConfigurationsAgreeWithKeras() throws Exception {
        long seed = Long.getLong("keras.diff.seed", new SecureRandom().nextInt(Integer.MAX_VALUE));
        int count = Integer.getInteger("keras.diff.configs", DEFAULT_CONFIGS);
        int first = Integer.getInteger("keras.diff.first", 0);
        System.out.printf("[keras differential] seed %d, configurations %d..%d (reproduce with "
                + "-Dkeras.diff.seed=%d)%n", seed, first, first + count - 1, seed);
        long start = System.nanoTime();
        List<Path> files;
        try {
            files = KerasRecorder.record(seed, first, count, Paths.get("target", "keras-differential", "seed-" + seed));
        } catch (TestAbortedException noKeras) {
            // An aborted factory is not reported at all; one skipped test carries the message instead.
            return Stream.of(DynamicTest.dynamicTest("real Keras is not available", () -> {
                throw noKeras;
            }));
        }
        Path dir = files.get(0).getParent();
        System.out.printf("[keras differential] Keras recorded %d configurations in %.1f s: %s%n", files.size(),
                (System.nanoTime() - start) / 1e9, Files.readString(dir.resolve("coverage.txt")).strip());
        return files.stream().map(file -> {
            GoldenCase c = GoldenCase.load(file);
            int index = c.root.path("differential_index").asInt();
            return DynamicTest.dynamicTest("seed " + seed + " config " + index, file.toUri(),
                    () -> check(seed, index, c));
        });
    }

    private static void check(long seed, int index, GoldenCase c) {
        try {
            GoldenReplay.replay(c, tolerance(c));
            GoldenReplay.configRoundTrip(c);
            if (c.hasSchedule()) {
                ScheduleGoldenTest.checkSchedule(c.name(), c.root, false);
            }
        } catch (TestAbortedException e) {
            throw e;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + ", config " + index + " (rerun alone: -Dkeras.diff.seed=" + seed
                    + " -Dkeras.diff.first=" + index + " -Dkeras.diff.configs=1; Keras's record: " + c.file
                    + ")\n  drawn: " + c.root.path("differential") + "\n  keras config: " + c.root.path("config")
                    + "\n  " + e, e);
        }
    }

    /** Bit for bit, except where a norm is clipped (see the class comment). */
    static GoldenReplay.Tolerance tolerance(GoldenCase c) {
        JsonNode cfg = c.adadeltaConfig();
        boolean normClipped = cfg.path("clipnorm").asDouble(0) > 0 || cfg.path("global_clipnorm").asDouble(0) > 0;
        // Clipping runs in the gradient's dtype: float32 gradients on float64 variables are off by float32 ulps.
        boolean float32Gradients = "float32".equals(c.root.path("gradient_dtype").asText());
        return normClipped ? new GoldenReplay.Tolerance(CLIPNORM_ULPS, CLIPNORM_SQUARES_ULPS, float32Gradients, true)
                : GoldenReplay.Tolerance.EXACT;
    }
}
