package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.checkpoint.ModelCheckpoint;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.BaseOptimizer;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;

/** A run interrupted mid-epoch and resumed from its newest checkpoint ends exactly like an uninterrupted one. */
class ResumeTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    private static final TrainingOptions OPTIONS = new TrainingOptions(3, 40, 5, 9, 2, true); // 3 x 15 steps

    @TempDir
    Path dir;

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        TrainingData train = TestData.blobs(600, 5, 3, 12).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        try (CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration())) {
            TrainingResult full = assertResumesBitIdentically(train, net, store, ResumeTest::optimizer);
            History expected = Histories.withoutSeconds(full.history());
            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();

            // A checkpoint without history (saved before checkpoints kept it) still resumes bit for bit; its
            // history starts at the checkpoint, and the resumed epoch's loss, lacking its first steps, is NaN.
            CheckpointState noHistory = new CheckpointState(state.globalStep(), state.epoch(), state.stepInEpoch(),
                    state.layout(), state.weights(), state.optimizerTensors(), state.optimizerConfig(),
                    state.sampler(), state.fingerprint(), state.jobConfig(), null);
            TrainingResult old = new Trainer(JSC, net, optimizer(), OPTIONS).resume(train, null, noHistory);
            assertArrayEquals(full.weights(), old.weights());
            History oldHistory = Histories.withoutSeconds(old.history());
            assertEquals(expected.steps().subList(21, 45), oldHistory.steps());
            assertEquals(List.of(1, 2), oldHistory.epochs().stream().map(EpochRecord::epoch).toList());
            assertTrue(Double.isNaN(oldHistory.epochs().get(0).loss()));
            assertEquals(expected.epochs().get(2), oldHistory.epochs().get(1));
        }
    }

    @Test
    void aLossScaledRunResumesWithTheScaleItHadReached() throws Exception {
        TrainingData train = TestData.blobs(600, 5, 3, 12).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        // The scale doubles every 4 steps: at the checkpoint it is 2^5 times the initial one, and the
        // resumed steps must scale their loss by the restored value for the run to stay bit-identical.
        Supplier<Optimizer> lso = () -> new LossScaleOptimizer((BaseOptimizer) optimizer(), 1024.0, 4,
                "loss_scale_optimizer");
        try (CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration())) {
            assertResumesBitIdentically(train, net, store, lso);
            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();
            LossScaleOptimizer restored = (LossScaleOptimizer) lso.get();
            restored.build(FlatWeights.variables(net, state.weights()));
            state.restoreInto(restored);
            assertEquals(1024.0 * 32, restored.lossScale(), "21 finite steps with dynamic_growth_steps=4");
        }
    }

    /**
     * Trains {@code net} uninterrupted, then again crashing after step 24 with a checkpoint every 7 steps,
     * resumes from the newest checkpoint, and asserts the two runs end bit-identical: weights, every optimizer
     * variable, history. Returns the uninterrupted run; {@code store} holds the crashed run's checkpoints.
     */
    private TrainingResult assertResumesBitIdentically(TrainingData train, Network net, CheckpointStore store,
            Supplier<Optimizer> optimizer) throws IOException {
        Optimizer reference = optimizer.get();
        TrainingResult full = new Trainer(JSC, net, reference, OPTIONS).fit(train, null);

        Trainer interrupted = new Trainer(JSC, net, optimizer.get(), OPTIONS).addCallback(new ModelCheckpoint(store, 7, Map.of("run", "t")))
                .addCallback(new Callback() {
                    @Override
                    public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
                        if (step.step() == 23) { // crash after the 24th step, mid-epoch 2
                            throw new IllegalStateException("simulated crash");
                        }
                    }
                });
        assertThrows(IllegalStateException.class, () -> interrupted.fit(train, null));
        assertEquals(List.of(14L, 21L), store.steps(), "every 7 steps, the newest 2 kept");

        List<String> warnings = new ArrayList<>();
        CheckpointState state = store.loadNewestValid(warnings::add).orElseThrow();
        assertEquals(21, state.globalStep());
        assertEquals(1, state.epoch());
        assertEquals(6, state.stepInEpoch());
        assertTrue(warnings.isEmpty(), warnings.toString());

        Optimizer resumedOptimizer = optimizer.get();
        TrainingResult resumed = new Trainer(JSC, net, resumedOptimizer, OPTIONS).resume(train, null, state);
        assertArrayEquals(full.weights(), resumed.weights());
        assertEquals(reference.iterations(), resumedOptimizer.iterations());
        assertEquals(reference.variables().size(), resumedOptimizer.variables().size());
        for (int i = 0; i < reference.variables().size(); i++) {
            assertArrayEquals(values(reference, i), values(resumedOptimizer, i),
                    reference.variables().get(i).path());
        }
        // Records compare their doubles bit for bit (Double.compare): the resumed epoch's train loss too.
        History expected = Histories.withoutSeconds(full.history());
        History actual = Histories.withoutSeconds(resumed.history());
        assertEquals(45, actual.steps().size());
        assertEquals(expected.steps(), actual.steps());
        assertEquals(expected.epochs(), actual.epochs());
        return full;
    }

    @Test
    void resumingWithAnotherBatchSizeIsRefused() throws Exception {
        TrainingData train = TestData.blobs(300, 5, 3, 13).toSpark(2, 64);
        Network net = Network.mlp(5, new int[] {4}, 3);
        try (CheckpointStore store = new CheckpointStore(dir.toString(), 1, new Configuration())) {
            new Trainer(JSC, net, optimizer(), OPTIONS.withEpochs(1)).addCallback(new ModelCheckpoint(store, 5, Map.of())).fit(train, null);
            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(JSC, net,
                    optimizer(), OPTIONS.withBatchSize(50)).resume(train, null, state));
            assertTrue(e.getMessage().contains("training.batch_size 40 vs 50"), e.getMessage());
        }
    }

    private static Optimizer optimizer() {
        return Adadelta.builder().name("adadelta").learningRate(1.0).epsilon(1e-4).useEma(true)
                .gradientAccumulationSteps(2).build();
    }

    private static float[] values(Optimizer opt, int i) {
        var v = opt.variables().get(i).value();
        return v.castTo(DataType.FLOAT).reshape(v.length()).toFloatVector();
    }
}
