package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.schedules.ExponentialDecay;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.callbacks.CSVLogger;
import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.EarlyStopping;
import org.sparkadadelta.spark.callbacks.LearningRateScheduler;
import org.sparkadadelta.spark.callbacks.ReduceLROnPlateau;
import org.sparkadadelta.spark.callbacks.TerminateOnNaN;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.ModelCheckpoint;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.Network;

/** Callbacks acting on real training runs: stopping, restoring weights, setting the learning rate, logging. */
class CallbacksInTrainingTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    private static final TrainingOptions OPTIONS = new TrainingOptions(5, 50, 3, 4, 2, true); // 5 x 6 steps

    @TempDir
    Path dir;

    private final TrainingData train = TestData.blobs(300, 5, 3, 41).toSpark(2, 64);
    private final TrainingData validation = TestData.blobs(90, 5, 3, 42).toSpark(2, 64);
    private final Network net = Network.mlp(5, new int[] {6}, 3);

    private static Adadelta.Builder adadelta() {
        return Adadelta.builder().learningRate(1.0).epsilon(1e-4);
    }

    @Test
    void earlyStoppingEndsTheRunAndEmaIsStillFinalized() {
        // Nothing improves by 10: the wait reaches patience 1 at epoch 1, as Keras counts it.
        EarlyStopping stop = new EarlyStopping("loss", 10, 1, 0, "auto", null, false, 0);
        TrainingResult stopped = new Trainer(JSC, net, adadelta().useEma(true).build(), OPTIONS).addCallback(stop)
                .fit(train, validation);
        assertEquals(1, stop.stoppedEpoch());
        assertEquals(2, stopped.history().epochs().size());
        assertEquals(12, stopped.history().steps().size());
        assertEquals(12L, stopped.metrics().get("steps"));
        // Bit-identical to a run of two epochs: the EMA weights were written into the model at the end.
        TrainingResult twoEpochs = new Trainer(JSC, net, adadelta().useEma(true).build(), OPTIONS.withEpochs(2))
                .fit(train, validation);
        assertArrayEquals(twoEpochs.weights(), stopped.weights());
        assertEquals(twoEpochs.metrics().get("validation_loss"), stopped.metrics().get("validation_loss"));
    }

    @Test
    void restoreBestWeightsSetsTheBestEpochsWeightsBackAtTheEnd() {
        List<float[]> afterEpoch = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onEpochEnd(TrainingRun run, EpochRecord epoch) {
                afterEpoch.add(run.getWeights());
            }
        };
        // The loss falls, so in mode "max" epoch 0 stays the best and the run stops at epoch 2 (patience 2).
        EarlyStopping stop = new EarlyStopping("loss", 0, 2, 0, "max", null, true, 0);
        TrainingResult r = new Trainer(JSC, net, adadelta().build(), OPTIONS).addCallback(recorder).addCallback(stop)
                .fit(train, null);
        assertEquals(3, afterEpoch.size());
        assertEquals(0, stop.bestEpoch());
        assertArrayEquals(afterEpoch.get(0), r.weights());
        assertFalse(Arrays.equals(afterEpoch.get(2), r.weights()));
    }

    @Test
    void reduceLROnPlateauSetsTheOptimizersRateAndTheNextStepsUseIt() {
        // In mode "max" a falling loss never improves: with patience 0 every epoch after the first reduces.
        ReduceLROnPlateau reduce = new ReduceLROnPlateau("loss", 0.5, 0, 0, "max", 0, 0, 0.3);
        Adadelta opt = adadelta().build();
        TrainingResult r = new Trainer(JSC, net, opt, OPTIONS).addCallback(reduce).fit(train, null);
        List<Double> stepRates = new ArrayList<>();
        for (StepRecord s : r.history().steps()) {
            if (s.stepInEpoch() == 0) {
                stepRates.add(s.learningRate());
            }
        }
        // 1, 1, 0.5, then min_lr 0.3 floors 0.25 (stored as float32, Keras's variable); at min_lr it stays.
        assertEquals(List.of(1.0, 1.0, 0.5, (double) 0.3f, (double) 0.3f), stepRates);
        // The epoch's learning_rate log is the rate before on_epoch_end reduces it, as Keras's History has it.
        assertEquals(List.of(1.0, 1.0, 0.5, (double) 0.3f, (double) 0.3f),
                r.history().epochs().stream().map(EpochRecord::learningRate).toList());
        assertEquals((double) 0.3f, opt.learningRateValue());
    }

    @Test
    void aRateCallbackIsRefusedWithAScheduleAsKerasRefusesIt() {
        Adadelta scheduled = Adadelta.builder().learningRate(org.sparkadadelta.optim.LearningRate.of(new ExponentialDecay(1.0, 10, 0.5))).build();
        Trainer trainer = new Trainer(JSC, net, scheduled, OPTIONS)
                .addCallback(new ReduceLROnPlateau("loss", 0.5, 0, 0, "auto", 0, 0, 0));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> trainer.fit(train, null));
        assertTrue(e.getMessage().contains("hence its learning rate is not settable"), e.getMessage());
    }

    @Test
    void learningRateSchedulerSetsTheRateAtTheStartOfEachEpoch() {
        TrainingResult r = new Trainer(JSC, net, adadelta().build(), OPTIONS.withEpochs(3))
                .addCallback(new LearningRateScheduler((epoch, lr) -> epoch == 0 ? lr : lr / 4)).fit(train, null);
        for (StepRecord s : r.history().steps()) {
            assertEquals(List.of(1.0, 0.25, 0.0625).get(s.epoch()), s.learningRate(), "step " + s.step());
        }
    }

    @Test
    void terminateOnNanStopsAfterTheBatchAndTheEpochStillEnds() {
        Callback poison = new Callback() { // sets the driver's weights: the next step's loss is NaN
            @Override
            public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
                if (step.step() == 8) {
                    float[] w = run.getWeights();
                    Arrays.fill(w, Float.NaN);
                    run.setWeights(w);
                }
            }
        };
        TrainingOptions keepGoing = new TrainingOptions(5, 50, 3, 4, 2, false);
        TrainingResult r = new Trainer(JSC, net, adadelta().build(), keepGoing).addCallback(poison)
                .addCallback(new TerminateOnNaN())
                .fit(train, validation);
        List<StepRecord> steps = r.history().steps();
        assertEquals(10, steps.size(), "stopped after step 9, the first with a NaN loss");
        assertTrue(Double.isNaN(steps.get(9).loss()));
        assertTrue(Double.isFinite(steps.get(8).loss()));
        assertEquals(2, r.history().epochs().size(), "epoch 1 ends (with validation) after its 4th batch");
        assertTrue(Double.isNaN(r.history().epochs().get(1).validationLoss()));
    }

    @Test
    void csvLoggerKeepsEveryFinishedEpochWhenTheRunDiesAndAppends() throws Exception {
        Path csv = dir.resolve("log.csv");
        Callback crash = new Callback() {
            @Override
            public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
                if (step.epoch() == 2) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        Trainer dying = new Trainer(JSC, net, adadelta().build(), OPTIONS)
                .addCallback(new CSVLogger(csv.toString())).addCallback(crash);
        assertThrows(IllegalStateException.class, () -> dying.fit(train, validation));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("epoch,accuracy,learning_rate,loss,val_accuracy,val_loss", lines.get(0));
        assertTrue(lines.get(1).startsWith("0,") && lines.get(2).startsWith("1,"), lines.toString());

        TrainingResult more = new Trainer(JSC, net, adadelta().build(), OPTIONS.withEpochs(1))
                .addCallback(new CSVLogger(csv.toString(), ",", true)).fit(train, validation);
        lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), "appended without a second header: " + lines);
        EpochRecord e = more.history().epochs().get(0);
        assertEquals(String.join(",", "0", repr(e.metric()), repr(e.learningRate()), repr(e.loss()),
                repr(e.validationMetric()), repr(e.validationLoss())), lines.get(3));
    }

    @Test
    void modelCheckpointSavesEveryEpochAndTheEpochTrainingStoppedAfter() throws Exception {
        try (CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toString(), 10,
                new org.apache.hadoop.conf.Configuration())) {
            EarlyStopping stop = new EarlyStopping("loss", 10, 2, 0, "auto", null, false, 0);
            TrainingResult r = new Trainer(JSC, net, adadelta().build(), OPTIONS).addCallback(stop)
                    .addCallback(new ModelCheckpoint(store, ModelCheckpoint.EVERY_EPOCH, Map.of()))
                    .fit(train, null);
            assertEquals(3, r.history().epochs().size());
            assertEquals(List.of(6L, 12L, 18L), store.steps(), "save_freq='epoch': after each of the 3 epochs run");
            CheckpointState last = store.loadNewestValid(w -> { }).orElseThrow();
            assertEquals(3, last.epoch());
            assertEquals(0, last.stepInEpoch());
            assertEquals(3, last.history().orElseThrow().epochs().size());
        }
    }

    @Test
    void aResumedRunReducesTheRateWhereTheUninterruptedOneDid() throws Exception {
        java.util.function.Supplier<ReduceLROnPlateau> reduce = () -> new ReduceLROnPlateau("loss", 0.5, 1, 0, "max",
                0, 1, 0);
        TrainingResult full = new Trainer(JSC, net, adadelta().name("adadelta").build(), OPTIONS)
                .addCallback(reduce.get()).fit(train, null);
        try (CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toString(), 2,
                new org.apache.hadoop.conf.Configuration())) {
            Callback crash = new Callback() {
                @Override
                public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
                    if (step.step() == 21) {
                        throw new IllegalStateException("simulated crash");
                    }
                }
            };
            Trainer dying = new Trainer(JSC, net, adadelta().name("adadelta").build(), OPTIONS)
                    .addCallback(reduce.get()).addCallback(new ModelCheckpoint(store, 8, Map.of())).addCallback(crash);
            assertThrows(IllegalStateException.class, () -> dying.fit(train, null));
            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();
            assertEquals(16, state.globalStep(), "epoch 2, after its 4th step: the counting needs epochs 0 and 1");
            TrainingResult resumed = new Trainer(JSC, net, adadelta().name("adadelta").build(), OPTIONS)
                    .addCallback(reduce.get()).resume(train, null, state);
            assertEquals(full.history().epochs().stream().map(EpochRecord::learningRate).toList(),
                    resumed.history().epochs().stream().map(EpochRecord::learningRate).toList());
            assertArrayEquals(full.weights(), resumed.weights());
        }
    }

    @Test
    void resumingWithAnotherClassWeightIsRefused() throws Exception {
        try (CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toString(), 1,
                new org.apache.hadoop.conf.Configuration())) {
            new Trainer(JSC, net, adadelta().name("adadelta").build(), OPTIONS.withEpochs(1))
                    .classWeight(Map.of(0, 2.0)).addCallback(new ModelCheckpoint(store, 4, Map.of())).fit(train, null);
            CheckpointState state = store.loadNewestValid(w -> { }).orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(JSC, net,
                    adadelta().name("adadelta").build(), OPTIONS).resume(train, null, state));
            assertTrue(e.getMessage().contains("training.class_weight {0=2.0} vs (none)"), e.getMessage());
            new Trainer(JSC, net, adadelta().name("adadelta").build(), OPTIONS.withEpochs(2))
                    .classWeight(Map.of(0, 2.0)).resume(train, null, state);
        }
    }

    private static String repr(double d) {
        return org.sparkadadelta.optim.python.PythonRepr.floatRepr(d);
    }

    @Test
    void classWeightTrainsExactlyAsTheSameWeightsGivenPerRow() {
        TestData data = TestData.blobs(240, 5, 3, 43);
        Map<Integer, Double> classWeight = Map.of(0, 2.0, 2, 0.25);
        float[] perRow = new float[data.rows];
        for (int i = 0; i < data.rows; i++) {
            perRow[i] = (float) (double) classWeight.getOrDefault((int) data.labels[i], 1.0);
        }
        TrainingResult byClass = new Trainer(JSC, net, adadelta().build(), OPTIONS).classWeight(classWeight)
                .fit(data.toSpark(2, 50), validation);
        TrainingResult byRow = new Trainer(JSC, net, adadelta().build(), OPTIONS)
                .fit(data.withWeights(perRow).toSpark(2, 50), validation);
        assertArrayEquals(byRow.weights(), byClass.weights());
        assertEquals(Histories.withoutSeconds(byRow.history()).steps(),
                Histories.withoutSeconds(byClass.history()).steps());
        TrainingResult unweighted = new Trainer(JSC, net, adadelta().build(), OPTIONS).fit(data.toSpark(2, 50),
                validation);
        assertNotEquals(unweighted.history().steps().get(0).loss(), byClass.history().steps().get(0).loss());
        assertThrows(IllegalArgumentException.class, () -> new Trainer(JSC, net, adadelta().build(), OPTIONS)
                .classWeight(classWeight).fit(data.withWeights(perRow).toSpark(2, 50), null));
    }
}
