package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.history.StepRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkadadelta.spark.train.FlatWeights.bits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * The job differentiates the scaled loss, as Keras's {@code fit()} differentiates {@code scale_loss(loss)}:
 * a power-of-two scale trains exactly like no scale, a LossScaleOptimizer's dynamic scale halves on overflow
 * and grows, and a non-power-of-two {@code loss_scale_factor} trains on the gradient of {@code loss * f}.
 */
class LossScalingTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());

    @Test
    void powerOfTwoScalesTrainBitIdenticallyToUnscaledAdadelta() {
        TrainingData train = TestData.blobs(600, 5, 3, 21).toSpark(3, 64);
        Network net = Network.mlp(5, new int[] {8}, 3);
        TrainingOptions options = new TrainingOptions(2, 40, 3, 7, 2, true); // 2 epochs x 15 steps
        Adadelta plainOptimizer = adadelta(null);
        TrainingResult plain = new Trainer(JSC, net, plainOptimizer, options).fit(train, null);

        LossScaleOptimizer fixed = new LossScaleOptimizer(adadelta(null)); // 2^15 for 2000 steps
        LossScaleOptimizer growing = new LossScaleOptimizer(adadelta(null), 32768.0, 4, null); // x2 every 4 steps
        Adadelta factor = adadelta(1024.0);
        for (Optimizer scaled : List.of(fixed, growing, factor)) {
            TrainingResult r = new Trainer(JSC, net, scaled, options).fit(train, null);
            String name = scaled.getConfig().toString();
            assertArrayEquals(bits(plain.weights()), bits(r.weights()), name);
            Optimizer inner = scaled instanceof LossScaleOptimizer lso ? lso.innerOptimizer() : scaled;
            for (int i = 0; i < plainOptimizer.variables().size(); i++) {
                Variable expected = plainOptimizer.variables().get(i);
                assertArrayEquals(bits(values(expected)), bits(values(inner.variables().get(i))),
                        name + ": " + expected.path());
            }
            // The losses recorded are the unscaled ones, as Keras reports them.
            assertEquals(Histories.withoutSeconds(plain.history()).steps(),
                    Histories.withoutSeconds(r.history()).steps(), name);
        }
        assertEquals(32768.0, fixed.dynamicScale());
        assertEquals(0x1p15 * 0x1p7, growing.dynamicScale(), "30 finite steps double it 7 times");
    }

    @Test
    void aHugeInitialScaleSkipsStepsHalvingItUntilTheGradientsAreFiniteThenGrowsAgain() {
        TestData data = TestData.blobs(64, 4, 3, 22);
        Network net = Network.mlp(4, new int[] {6}, 3);
        int steps = 14;
        TrainingOptions options = new TrainingOptions(steps, 0, 1, 5, 2, true); // full batch: one step per epoch
        LossScaleOptimizer lso = new LossScaleOptimizer(adadelta(null), 0x1p126, 2, null);
        ScaleTrace trace = new ScaleTrace(lso);
        TrainingResult r = new Trainer(JSC, net, lso, options).addCallback(trace).fit(data.toSpark(1, 1000), null);

        // The same steps on the driver: gradients of the loss times the scale the optimizer holds, then apply.
        LossScaleOptimizer replay = new LossScaleOptimizer(adadelta(null), 0x1p126, 2, null);
        List<Variable> vars = FlatWeights.variables(net, net.initialParameters(5));
        ScaleTrace expected = new ScaleTrace(replay);
        for (int step = 0; step < steps; step++) {
            GradientSum sum = new GradientSum();
            net.accumulate(FlatWeights.flat(vars), data.features, data.labels, data.rows, (float) replay.lossScale(),
                    sum);
            replay.apply(FlatWeights.split(net, sum.meanGradient(net.layout().size())), vars);
            expected.onTrainBatchEnd(null, null);
        }
        assertEquals(expected.states, trace.states);
        for (int step = 0; step < steps; step++) {
            assertArrayEquals(bits(expected.weights.get(step)), bits(trace.weights.get(step)), "after step " + step);
        }
        assertArrayEquals(bits(FlatWeights.flat(vars)), bits(r.weights()));

        // 2^126 times these gradients overflows float32: each such step is skipped (no update, iterations stay)
        // and halves the scale; two finite steps in a row double it (dynamic_growth_steps=2), overflowing again.
        List<String> s = trace.states;
        assertEquals(List.of("scale=2^125 counter=0 iterations=0", "scale=2^124 counter=0 iterations=0",
                "scale=2^123 counter=0 iterations=0", "scale=2^122 counter=0 iterations=0",
                "scale=2^122 counter=1 iterations=1", "scale=2^123 counter=0 iterations=2"), s.subList(0, 6));
        assertEquals(List.of("scale=2^125 counter=0 iterations=6", "scale=2^124 counter=0 iterations=6"),
                s.subList(9, 11), "grown to 2^125, the gradients overflow again: skipped, halved");
        float[] initial = net.initialParameters(5);
        assertArrayEquals(bits(initial), bits(trace.weights.get(0)), "a skipped step leaves the weights unchanged");
        for (int step = 1; step < steps; step++) {
            boolean skipped = trace.iterations.get(step).equals(trace.iterations.get(step - 1));
            assertEquals(skipped, Arrays.equals(bits(trace.weights.get(step - 1)),
                    bits(trace.weights.get(step))), "step " + step + ": " + s.get(step));
        }
    }

    @Test
    void aRowWhoseScaledGradientOverflowsIsASkippedStepNotDivergence() {
        TestData data = TestData.linear(200, 3, 23);
        int row = 17;
        data.features[row * 3] = 1e18f; // loss ~1e36 and gradient ~1e34 are finite; x 2^15 the gradient is not
        TrainingOptions options = new TrainingOptions(2, 50, 4, 3, 2, true); // stop_on_divergence: 2 x 4 steps
        LossScaleOptimizer lso = new LossScaleOptimizer(adadelta(null));
        ScaleTrace trace = new ScaleTrace(lso);
        TrainingResult r = new Trainer(JSC, Network.linearRegression(3), lso, options).addCallback(trace)
                .fit(data.toSpark(2, 64), null);

        BatchSampler sampler = new BatchSampler(data.rows, 50, 4);
        List<Long> overflowing = List.of(sampler.stepOf(0, row), 4 + sampler.stepOf(1, row));
        double scale = 32768.0;
        long iterations = 0;
        long counter = 0;
        float[] before = Network.linearRegression(3).initialParameters(3);
        for (int step = 0; step < 8; step++) {
            boolean skip = overflowing.contains((long) step);
            scale = skip ? scale / 2 : scale;
            iterations += skip ? 0 : 1;
            counter = skip ? 0 : counter + 1;
            assertEquals("scale=2^" + Math.getExponent(scale) + " counter=" + counter + " iterations=" + iterations,
                    trace.states.get(step), "step " + step);
            assertEquals(skip, Arrays.equals(bits(before), bits(trace.weights.get(step))), "step " + step);
            before = trace.weights.get(step);
            StepRecord record = r.history().steps().get(step);
            assertTrue(Double.isFinite(record.loss()), "the unscaled loss is recorded: " + record);
            assertEquals(skip, record.loss() > 1e30, "the huge row's step has the huge loss: " + record);
        }
        assertEquals(6, lso.iterations());
        assertEquals(0x1p13, lso.dynamicScale());
    }

    @Test
    void aNonPowerOfTwoFactorTrainsOnTheGradientOfTheScaledLoss() {
        TestData data = TestData.blobs(64, 4, 3, 24);
        Network net = Network.mlp(4, new int[] {6}, 3);
        int steps = 6;
        TrainingOptions options = new TrainingOptions(steps, 0, 1, 8, 2, true);
        TrainingData train = data.toSpark(1, 1000);
        TrainingResult scaled = new Trainer(JSC, net, adadelta(1000.0), options).fit(train, null);
        TrainingResult plain = new Trainer(JSC, net, adadelta(null), options).fit(train, null);

        Adadelta replay = adadelta(1000.0);
        List<Variable> vars = FlatWeights.variables(net, net.initialParameters(8));
        for (int step = 0; step < steps; step++) {
            GradientSum sum = new GradientSum();
            net.accumulate(FlatWeights.flat(vars), data.features, data.labels, data.rows, 1000f, sum);
            replay.apply(FlatWeights.split(net, sum.meanGradient(net.layout().size())), vars); // divides by 1000
        }
        assertArrayEquals(bits(FlatWeights.flat(vars)), bits(scaled.weights()));
        // (g * 1000) / 1000 rounds twice in float32: close to the unscaled run, not necessarily equal to it.
        float[] a = scaled.weights();
        float[] b = plain.weights();
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], a[i], 1e-6f * Math.max(1f, Math.abs(b[i])), "weight " + i);
        }
    }

    private static Adadelta adadelta(Double lossScaleFactor) {
        return Adadelta.builder().learningRate(1.0).epsilon(1e-4).lossScaleFactor(lossScaleFactor).build();
    }

    private static float[] values(Variable v) {
        return v.value().castTo(DataType.FLOAT).dup('c').reshape(v.value().length()).toFloatVector();
    }

    /** A LossScaleOptimizer's scale, step counter and iterations, and the weights, after every step. */
    private static final class ScaleTrace implements Callback {
        final LossScaleOptimizer lso;
        final List<String> states = new ArrayList<>();
        final List<Long> iterations = new ArrayList<>();
        final List<float[]> weights = new ArrayList<>();

        ScaleTrace(LossScaleOptimizer lso) {
            this.lso = lso;
        }

        @Override
        public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
            double scale = lso.dynamicScale();
            assertEquals(scale, Math.scalb(1.0, Math.getExponent(scale)), "a power of two");
            states.add("scale=2^" + Math.getExponent(scale) + " counter=" + lso.stepCounter() + " iterations="
                    + lso.iterations());
            iterations.add(lso.iterations());
            weights.add(FlatWeights.flat(lso.trainableVariables()));
        }
    }
}
