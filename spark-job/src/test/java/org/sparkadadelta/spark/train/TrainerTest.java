package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.history.History;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/** The distributed loop on a real local SparkSession. */
class TrainerTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());

    @Test
    void fullBatchTrainingIsExactlyKerasAdadeltaOnTheMeanGradient() {
        TestData data = TestData.linear(64, 3, 1);
        Network net = Network.linearRegression(3);
        TrainingOptions options = new TrainingOptions(4, 0, 1, 42, 2, true);
        // One partition and one block: the Spark sum is then the same arithmetic as a direct call.
        TrainingResult result = new Trainer(JSC, net, new Adadelta(1.0), options)
                .fit(data.toSpark(1, 1000), null);

        float[] weights = net.initialParameters(42);
        List<Variable> vars = FlatWeights.variables(net, weights);
        Adadelta reference = new Adadelta(1.0);
        for (int step = 0; step < 4; step++) {
            GradientSum sum = new GradientSum();
            net.accumulate(FlatWeights.flat(vars), data.features, data.labels, data.rows, sum);
            reference.apply(FlatWeights.split(net, sum.meanGradient(net.layout().size())), vars);
        }
        assertArrayEquals(FlatWeights.flat(vars), result.weights());
        assertEquals(4, result.optimizer().iterations());
    }

    @Test
    void trainingIsBitReproducibleWhateverOrderTasksFinishIn() {
        TestData data = TestData.blobs(900, 5, 3, 11);
        TrainingData train = data.toSpark(5, 64); // 5 partitions: sums of 3+ partials depend on their order
        float[] first = null;
        List<float[]> firstSlots = null;
        for (int run = 0; run < 3; run++) {
            Adadelta opt = Adadelta.builder().learningRate(1.0).epsilon(1e-4).build();
            TrainingResult r = new Trainer(JSC, Network.mlp(5, new int[] {12}, 3), opt,
                    new TrainingOptions(2, 40, 1, 7, 2, true)).fit(train, null);
            List<float[]> slots = new ArrayList<>();
            opt.variables().forEach(v -> slots.add(v.value().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .reshape(v.value().length()).toFloatVector()));
            if (first == null) {
                first = r.weights();
                firstSlots = slots;
            } else {
                assertArrayEquals(first, r.weights(), "weights of run " + run);
                for (int i = 0; i < slots.size(); i++) {
                    assertArrayEquals(firstSlots.get(i), slots.get(i), "optimizer variable " + i + " of run " + run);
                }
            }
        }
    }

    @Test
    void aDriverSideMergeAndSparksTreeGiveTheSameBitsAlsoForAccumulationWindows() {
        TrainingData train = TestData.blobs(900, 5, 3, 11).toSpark(9, 64);
        // 9 partitions: depth 1 is one runJob merged on the driver, depth 2 Spark's treeAggregate with a level of
        // merges on the executors first.
        assertTrue(PartitionJob.mergesOnDriver(9, 1));
        assertFalse(PartitionJob.mergesOnDriver(9, 2));
        for (Integer accumulation : new Integer[] {null, 3}) {
            List<float[]> weights = new ArrayList<>();
            for (int depth : new int[] {1, 2}) {
                Adadelta opt = Adadelta.builder().learningRate(1.0).epsilon(1e-4)
                        .gradientAccumulationSteps(accumulation).build();
                weights.add(new Trainer(JSC, Network.mlp(5, new int[] {12}, 3), opt,
                        new TrainingOptions(2, 40, 1, 7, depth, true)).fit(train, train).weights());
            }
            assertArrayEquals(weights.get(0), weights.get(1), "gradient_accumulation_steps " + accumulation);
        }
    }

    @Test
    void miniBatchTrainingLearnsALinearModel() {
        TestData data = TestData.linear(2000, 4, 2);
        TrainingData train = data.toSpark(3, 256);
        Network net = Network.linearRegression(4);
        TrainingOptions options = new TrainingOptions(8, 64, 3, 42, 2, true);
        // A larger epsilon than Keras's 1e-7 makes Adadelta's first steps bigger, so a few epochs suffice.
        Adadelta opt = Adadelta.builder().learningRate(1.0).epsilon(1e-4).build();
        TrainingResult result = new Trainer(JSC, net, opt, options).fit(train, train);
        History h = result.history();
        assertEquals(8 * 32, h.steps().size(), "ceil(2000/64) = 32 steps per epoch");
        assertEquals(64, h.steps().get(0).examples());
        assertEquals(2000 - 31 * 64, h.steps().get(31).examples(), "the last batch holds the remainder");
        double first = h.epochs().get(0).loss();
        double last = h.epochs().get(7).validationLoss();
        assertTrue(last < first / 20, "loss fell from " + first + " to " + last);
        assertTrue((double) result.metrics().get("validation_root_mean_squared_error") < 0.2, result.metrics().toString());
    }

    @Test
    void aSoftmaxClassifierSeparatesBlobs() {
        TestData data = TestData.blobs(1500, 6, 3, 4);
        TrainingData train = data.toSpark(2, 200);
        TrainingResult result = new Trainer(JSC, Network.mlp(6, new int[] {16}, 3), new Adadelta(1.0),
                new TrainingOptions(5, 50, 1, 7, 2, true)).fit(train, train);
        double accuracy = (double) result.metrics().get("validation_accuracy");
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }

    @Test
    void logisticAndSoftmaxRegressionLearnTheirLabels() {
        TestData two = TestData.blobs(800, 4, 2, 9);
        Adadelta fast = Adadelta.builder().learningRate(1.0).epsilon(1e-4).build();
        TrainingResult logistic = new Trainer(JSC, Network.logisticRegression(4), fast,
                new TrainingOptions(4, 50, 1, 7, 2, true)).fit(two.toSpark(2, 100), two.toSpark(1, 800));
        assertTrue((double) logistic.metrics().get("validation_accuracy") > 0.9, logistic.metrics().toString());

        TestData four = TestData.blobs(800, 4, 4, 10);
        TrainingResult softmax = new Trainer(JSC, Network.softmaxRegression(4, 4),
                Adadelta.builder().learningRate(1.0).epsilon(1e-4).build(), new TrainingOptions(4, 50, 1, 7, 2, true))
                .fit(four.toSpark(2, 100), four.toSpark(1, 800));
        assertTrue((double) softmax.metrics().get("validation_accuracy") > 0.9, softmax.metrics().toString());
    }

    @Test
    void emaWeightsAreWhatTrainingReturns() {
        TestData data = TestData.linear(200, 2, 5);
        Adadelta opt = Adadelta.builder().learningRate(1.0).useEma(true).emaMomentum(0.5).build();
        TrainingResult result = new Trainer(JSC, Network.linearRegression(2), opt,
                new TrainingOptions(2, 50, 1, 1, 2, true)).fit(data.toSpark(2, 64), null);
        float[] averages = new float[result.weights().length];
        int offset = 0;
        for (var v : opt.optimizerVariables()) {
            if (v.role().equals("average")) {
                float[] a = v.variable().value().reshape(v.variable().value().length()).toFloatVector();
                System.arraycopy(a, 0, averages, offset, a.length);
                offset += a.length;
            }
        }
        assertArrayEquals(averages, result.weights());
    }

    @Test
    void gradientAccumulationCountsMiniBatchSteps() {
        TestData data = TestData.linear(100, 2, 6);
        Adadelta opt = Adadelta.builder().learningRate(1.0).gradientAccumulationSteps(4).build();
        new Trainer(JSC, Network.linearRegression(2), opt, new TrainingOptions(2, 10, 1, 1, 2, true))
                .fit(data.toSpark(2, 64), null);
        assertEquals(20, opt.rawIterations(), "one apply per mini-batch step");
        assertEquals(5, opt.iterations(), "one update per 4 steps");
    }

    @Test
    void divergenceStopsWithAClearMessage() {
        TestData data = TestData.linear(100, 2, 7);
        for (int i = 0; i < 10; i++) {
            data.features[i] = 1e30f; // squares overflow float32
        }
        DivergenceException e = assertThrows(DivergenceException.class, () -> new Trainer(JSC,
                Network.linearRegression(2), new Adadelta(1.0), new TrainingOptions(1, 0, 1, 1, 2, true))
                .fit(data.toSpark(1, 100), null));
        assertTrue(e.getMessage().contains("stop_on_divergence"), e.getMessage());
    }

    @Test
    void labelsOutsideTheModelsClassesAreRejectedBeforeTraining() {
        TestData data = TestData.blobs(50, 3, 4, 8); // labels 0..3
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(JSC,
                Network.softmaxRegression(3, 3), new Adadelta(), TrainingOptions.DEFAULTS)
                .fit(data.toSpark(1, 50), null));
        assertTrue(e.getMessage().contains("labels in [0, 3], but the model has 3 classes"), e.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> new Trainer(JSC,
                Network.softmaxRegression(5, 4), new Adadelta(), TrainingOptions.DEFAULTS)
                .fit(data.toSpark(1, 50), null));
        assertTrue(width.getMessage().contains("has 3 features per row, but the model expects 5"), width.getMessage());
    }
}
