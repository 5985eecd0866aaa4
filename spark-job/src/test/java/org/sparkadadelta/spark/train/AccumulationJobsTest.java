package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.checkpoint.ModelCheckpoint;
import org.sparkadadelta.spark.history.StepRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkadadelta.spark.train.FlatWeights.bits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;

/**
 * With gradient accumulation the micro-steps of a window share one Spark job where the weights and the loss
 * scale cannot change between them ({@link UniformStretch}), and the run stays bit-identical to one job per
 * micro-step ({@link Trainer#oneJobPerStep()}): weights, every optimizer variable, history. The jobs are
 * counted and must be exactly those the rule predicts, stated here independently of the implementation: a
 * job starts at micro-step {@code raw} when it starts an epoch, starts an accumulation window
 * ({@code raw % N == 0}), follows a checkpoint, or lies in an EMA overwrite window.
 */
class AccumulationJobsTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());

    @TempDir
    Path dir;

    @Test
    void plainAccumulationRunsOneJobPerWindow() {
        TrainingData train = TestData.blobs(640, 5, 3, 31).toSpark(3, 64);
        TrainingData validation = TestData.blobs(200, 5, 3, 32).toSpark(2, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        TrainingOptions options = new TrainingOptions(2, 40, 3, 7, 2, true); // 2 epochs x 16 steps
        Supplier<Optimizer> optimizer = () -> adadelta().gradientAccumulationSteps(4).useEma(true).build();

        Run reference = Run.of(new Trainer(JSC, net, optimizer.get(), options).oneJobPerStep(), train, validation);
        Run shared = Run.of(new Trainer(JSC, net, optimizer.get(), options), train, validation);

        assertSameRun(reference, shared);
        // Per epoch: 16 steps in a job each, or 4 windows of 4, then validation; the final evaluation last.
        assertEquals(2 * 16 + 2 + 1, reference.jobs.count(), reference.jobs.descriptions().toString());
        assertEquals(2 * 16 / 4 + 2 + 1, shared.jobs.count(), shared.jobs.descriptions().toString());
        assertEquals(List.of("train epoch 1/2 steps 1-4/16", "train epoch 1/2 steps 5-8/16"),
                shared.jobs.descriptions().subList(0, 2));
    }

    @Test
    void withoutAccumulationEveryStepIsItsOwnJob() {
        TrainingData train = TestData.blobs(300, 5, 3, 33).toSpark(2, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        Run run = Run.of(new Trainer(JSC, net, adadelta().useEma(true).build(), new TrainingOptions(2, 50, 3, 7,
                2, true)), train, null);
        assertEquals(2 * 6, run.jobs.count());
    }

    @Test
    void anEpochEndingMidWindowEndsTheJobThere() {
        TrainingData train = TestData.blobs(600, 5, 3, 34).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        TrainingOptions options = new TrainingOptions(3, 40, 3, 7, 2, true); // 3 epochs x 15 steps
        Supplier<Optimizer> optimizer = () -> adadelta().gradientAccumulationSteps(4).build();

        Run reference = Run.of(new Trainer(JSC, net, optimizer.get(), options).oneJobPerStep(), train, null);
        Run shared = Run.of(new Trainer(JSC, net, optimizer.get(), options), train, null);

        assertSameRun(reference, shared);
        assertEquals(45, reference.jobs.count());
        // Windows of 4 over 15-step epochs: epoch 1 has 4 jobs, epochs 2 and 3 touch 5 windows each.
        assertEquals(jobStarts(0, 45, 15, 4, raw -> false), shared.jobs.count());
        assertEquals(14, shared.jobs.count());
        assertEquals("train epoch 2/3 step 1/15", shared.jobs.descriptions().get(4), "raw 15 updates alone");
    }

    @Test
    void anEmaOverwriteWindowRunsAJobPerMicroStep() {
        TrainingData train = TestData.blobs(640, 5, 3, 35).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        TrainingOptions options = new TrainingOptions(2, 40, 3, 7, 2, true); // 2 epochs x 16 steps
        // N=3, overwrite every 2 updates: it holds on the 3 micro-steps of windows 1, 3, 5, ... (raw 3-5, 9-11).
        Supplier<Optimizer> optimizer = () -> adadelta().gradientAccumulationSteps(3).useEma(true)
                .emaOverwriteFrequency(2).build();
        Optimizer referenceOptimizer = optimizer.get();
        WeightTrace trace = new WeightTrace(referenceOptimizer);
        Run reference = Run.of(new Trainer(JSC, net, referenceOptimizer, options).oneJobPerStep().addCallback(trace),
                train, null);
        Run shared = Run.of(new Trainer(JSC, net, optimizer.get(), options), train, null);

        assertSameRun(reference, shared);
        // The case matters: the overwrite moves the weights on micro-steps that do not update. Raw 9 starts
        // overwrite window 3 with averages that lag behind raw 8's update; raw 7 only accumulates.
        assertFalse(Arrays.equals(bits(trace.weights.get(8)), bits(trace.weights.get(9))), "raw 9 overwrites");
        assertTrue(Arrays.equals(bits(trace.weights.get(6)), bits(trace.weights.get(7))), "raw 7 accumulates");
        LongPredicate overwriteWindow = raw -> (raw / 3 + 1) % 2 == 0;
        assertEquals(jobStarts(0, 32, 16, 3, overwriteWindow), shared.jobs.count());
        // Epoch 1: 1 + 3 + 1 + 3 + 1 + 1 (raw 15 alone, window 5 overwrites); epoch 2: 2 + 1 + 3 + 1 + 3 + 1.
        assertEquals(21, shared.jobs.count());
    }

    @Test
    void aLossScaleOptimizerGrowingAndSkippingStepsStaysBitIdentical() {
        TestData data = TestData.linear(200, 3, 36);
        int row = 17;
        data.features[row * 3] = 1e18f; // its gradient is finite, times the initial scale 2^15 it overflows
        TrainingData train = data.toSpark(2, 64);
        Network net = Network.linearRegression(3);
        TrainingOptions options = new TrainingOptions(3, 25, 4, 3, 2, true); // 3 epochs x 8 steps
        // N=4; the scale doubles after 3 finite micro-steps, or halves on an overflow, which the inner
        // optimizer does not count, so the windows shift.
        Supplier<LossScaleOptimizer> optimizer = () -> new LossScaleOptimizer(
                adadelta().gradientAccumulationSteps(4).build(), 32768.0, 3, null);
        LossScaleOptimizer referenceOptimizer = optimizer.get();
        ScaleTrace trace = new ScaleTrace(referenceOptimizer);
        Run reference = Run.of(new Trainer(JSC, net, referenceOptimizer, options).oneJobPerStep().addCallback(trace),
                train, null);
        Run shared = Run.of(new Trainer(JSC, net, optimizer.get(), options), train, null);

        assertSameRun(reference, shared);
        assertTrue(trace.skipped.contains(true), "the huge row's micro-steps are skipped: " + trace.states);
        assertTrue(trace.states.stream().anyMatch(s -> s.startsWith("scale=2^16")), "and it grows: " + trace.states);
        // The rule, replayed with the reference run's skips: a job runs up to the window's update micro-step, or
        // up to the micro-step that grows the scale, or to the epoch's end, and ends early at a skipped step.
        int expected = 0;
        long raw = 0;
        long counter = 0;
        int step = 0;
        while (step < 24) {
            expected++;
            long length = Math.min(Math.min(4 - raw % 4, 3 - counter), 8 - step % 8);
            for (int k = 0; k < length; k++, step++) {
                if (trace.skipped.get(step)) {
                    counter = 0;
                    step++;
                    break;
                }
                raw++;
                counter = (counter + 1) % 3;
            }
        }
        assertEquals(expected, shared.jobs.count(), shared.jobs.descriptions().toString());
        assertTrue(shared.jobs.count() < reference.jobs.count(), shared.jobs.count() + " jobs");
    }

    @Test
    void aRunResumedInMidWindowIsBitIdentical() throws Exception {
        TrainingData train = TestData.blobs(600, 5, 3, 37).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        TrainingOptions options = new TrainingOptions(3, 40, 3, 7, 2, true); // 3 epochs x 15 steps
        Supplier<Optimizer> optimizer = () -> adadelta().name("adadelta").gradientAccumulationSteps(4).useEma(true)
                .build();
        Run reference = Run.of(new Trainer(JSC, net, optimizer.get(), options).oneJobPerStep(), train, null);

        try (CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration())) {
            // A checkpoint every 6 micro-steps cuts windows of 4; the run crashes after micro-step 23, in the
            // middle of the job of raw 20-23, its newest checkpoint that of raw 18.
            Trainer crashing = new Trainer(JSC, net, optimizer.get(), options).addCallback(new ModelCheckpoint(store, 6, Map.of()))
                    .addCallback(new Callback() {
                        @Override
                        public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
                            if (step.step() == 22) {
                                throw new IllegalStateException("simulated crash");
                            }
                        }
                    });
            JobLog crashed = new JobLog(JSC);
            assertThrows(IllegalStateException.class, () -> crashed.during(() -> crashing.fit(train, null)));
            LongPredicate afterCheckpoint = raw -> raw % 6 == 0;
            assertEquals(jobStarts(0, 23, 15, 4, afterCheckpoint), crashed.count(), crashed.descriptions().toString());

            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();
            assertEquals(18, state.globalStep(), "in mid-window: raw 16-19 is one window");
            Optimizer resumedOptimizer = optimizer.get();
            JobLog resumedJobs = new JobLog(JSC);
            TrainingResult resumed = resumedJobs.during(() -> new Trainer(JSC, net, resumedOptimizer, options)
                    .addCallback(new ModelCheckpoint(store, 6, Map.of())).resume(train, null, state));
            assertSameRun(reference, new Run(resumed, resumedOptimizer, resumedJobs));
            // raw 18-19, 20-23, 24-27, 28-29 (epoch end), 30-31, 32-35, 36-39, 40-41, 42-43, 44.
            assertEquals(jobStarts(18, 45, 15, 4, afterCheckpoint), resumedJobs.count());
            assertEquals(10, resumedJobs.count(), resumedJobs.descriptions().toString());
        }
    }

    /**
     * Jobs over micro-steps {@code [from, to)} with no skipped steps ({@code raw} equals the global step):
     * one starts where an epoch of {@code stepsPerEpoch} starts, where a window of {@code n} starts, where
     * {@code alsoStarts} says (after a checkpoint, in an overwrite window).
     */
    private static int jobStarts(long from, long to, long stepsPerEpoch, int n, LongPredicate alsoStarts) {
        int jobs = 0;
        for (long raw = from; raw < to; raw++) {
            if (raw == from || raw % stepsPerEpoch == 0 || raw % n == 0 || alsoStarts.test(raw)) {
                jobs++;
            }
        }
        return jobs;
    }

    private static Adadelta.Builder adadelta() {
        return Adadelta.builder().learningRate(1.0).epsilon(1e-4);
    }

    private static void assertSameRun(Run expected, Run actual) {
        assertArrayEquals(bits(expected.result.weights()), bits(actual.result.weights()), "weights");
        List<Variable> e = expected.optimizer.variables();
        List<Variable> a = actual.optimizer.variables();
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(rawBits(e.get(i)), rawBits(a.get(i)), e.get(i).path());
        }
        // Records compare their doubles bit for bit (Double.compare).
        assertEquals(Histories.withoutSeconds(expected.result.history()).steps(),
                Histories.withoutSeconds(actual.result.history()).steps());
        assertEquals(Histories.withoutSeconds(expected.result.history()).epochs(),
                Histories.withoutSeconds(actual.result.history()).epochs());
        assertEquals(expected.result.metrics().get("validation_loss"), actual.result.metrics().get("validation_loss"));
    }

    private static long[] rawBits(Variable v) {
        double[] values = v.value().castTo(DataType.DOUBLE).dup('c').reshape(v.value().length()).toDoubleVector();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }

    /** A finished run, its optimizer and the Spark jobs it started. */
    private record Run(TrainingResult result, Optimizer optimizer, JobLog jobs) {
        static Run of(Trainer trainer, TrainingData train, TrainingData validation) {
            JobLog jobs = new JobLog(JSC);
            TrainingResult result = jobs.during(() -> trainer.fit(train, validation));
            return new Run(result, result.optimizer(), jobs);
        }
    }

    /** The weights after every micro-step. */
    private static final class WeightTrace implements Callback {
        final Optimizer optimizer;
        final List<float[]> weights = new ArrayList<>();

        WeightTrace(Optimizer optimizer) {
            this.optimizer = optimizer;
        }

        @Override
        public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
            weights.add(FlatWeights.flat(optimizer.trainableVariables()));
        }
    }

    /** A LossScaleOptimizer's scale and counters after every micro-step, and which micro-steps it skipped. */
    private static final class ScaleTrace implements Callback {
        final LossScaleOptimizer lso;
        final List<String> states = new ArrayList<>();
        final List<Boolean> skipped = new ArrayList<>();
        long raw;

        ScaleTrace(LossScaleOptimizer lso) {
            this.lso = lso;
        }

        @Override
        public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
            skipped.add(lso.rawIterations() == raw);
            raw = lso.rawIterations();
            states.add("scale=2^" + Math.getExponent(lso.dynamicScale()) + " counter=" + lso.stepCounter()
                    + " raw=" + raw);
        }
    }
}
