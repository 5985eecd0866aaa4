package org.sparkadadelta.optim.golden;

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
 * <p>The one exception is norm clipping ({@code clipnorm}, {@code global_clipnorm} > 0): TensorFlow sums the
 * squares in its own order, so the norm, and through it each clipped element, may differ by an ulp or two.
 * The script records what Keras's {@code _clip_gradients} received and returned at each step; our gradient
 * going into clipping must equal Keras's bit for bit, our clipped gradient must be within
 * {@value KerasClipping#MAX_ULPS} ulp of Keras's per element with the same NaN, infinities and signed zeros
 * (the required 4 ulp does not hold for TensorFlow's order: 5 measured; see {@link KerasClipping}),
 * and then Keras's clipped gradient continues our step ({@link KerasClipping}), so that weight decay, the
 * update, the accumulators, EMA, counters and the loss scale are compared bit for bit over the whole
 * trajectory, as everywhere else. Each run logs the largest clipping difference it saw.
 *
 * <p>{@code -Dkeras.diff.seed=N} reproduces a run (default: a fresh seed, printed), {@code
 * -Dkeras.diff.configs=N} sets the count (default {@value #DEFAULT_CONFIGS}), {@code -Dkeras.diff.first=I}
 * starts at configuration I (with {@code configs=1}: one configuration alone). Skipped only when python3
 * cannot import keras and tensorflow.
 */
class KerasDifferentialTest {
    static final int DEFAULT_CONFIGS = 200;

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
        KerasClipping.MAX_SEEN.set(0);
        Stream<DynamicTest> configs = files.stream().map(file -> {
            GoldenCase c = GoldenCase.load(file);
            int index = c.root.path("differential_index").asInt();
            return DynamicTest.dynamicTest("seed " + seed + " config " + index, file.toUri(),
                    () -> check(seed, index, c));
        });
        // Runs last: how close norm clipping came to its limit, for the log.
        return Stream.concat(configs, Stream.of(DynamicTest.dynamicTest("seed " + seed + " clipping summary",
                () -> System.out.printf("[keras differential] seed %d: clipped gradients at most %d ulp from "
                        + "Keras's (limit %d); %.1f s in all%n", seed, KerasClipping.MAX_SEEN.get(),
                        KerasClipping.MAX_ULPS, (System.nanoTime() - start) / 1e9))));
    }

    private static void check(long seed, int index, GoldenCase c) {
        try {
            GoldenReplay.replay(c);
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
}
