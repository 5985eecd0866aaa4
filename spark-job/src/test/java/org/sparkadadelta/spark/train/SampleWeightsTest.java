package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Keras's sample weights: a row of weight k counts as k copies of it in every sum (loss, metric, gradient),
 * and, as Keras's {@code sum_over_batch_size} reduction does, the batch loss divides the weighted sum by the
 * number of rows, not by the summed weights (so a weighted batch equals the duplicated rows exactly when the
 * weights sum to the row count).
 */
class SampleWeightsTest {
    private static final JavaSparkContext JSC = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());

    /** Integer weights 0..3, and each row repeated that many times. */
    private static final int ROWS = 40;

    private static int[] counts() {
        int[] times = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            times[i] = (i * 7) % 4;
        }
        return times;
    }

    private static float[] asWeights(int[] times) {
        float[] w = new float[times.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = times[i];
        }
        return w;
    }

    @Test
    void aWeightedBatchSumsAsItsDuplicatedRows() {
        TestData data = TestData.blobs(ROWS, 4, 3, 51);
        TestData duplicated = data.repeated(counts());
        Network net = Network.mlp(4, new int[] {5}, 3);
        Network.Weights w = net.weights(net.initialParameters(3));
        GradientSum weighted = new GradientSum();
        net.accumulate(w, data.features, data.labels, asWeights(counts()), data.rows, 1f, weighted);
        GradientSum copies = new GradientSum();
        net.accumulate(w, duplicated.features, duplicated.labels, null, duplicated.rows, 1f, copies);

        assertEquals(ROWS, weighted.count());
        assertEquals(copies.count(), (long) weighted.weightSum(), "the weights sum to the copies");
        assertEquals(copies.metricSum(), weighted.metricSum(), "correct predictions, counted with their weight");
        assertEquals(copies.lossSum(), weighted.lossSum(), 1e-5 * Math.abs(copies.lossSum()));
        float[] a = weighted.meanGradient(net.layout().size());
        float[] b = copies.meanGradient(net.layout().size());
        for (int i = 0; i < a.length; i++) { // sums of the same terms in another order: equal to float rounding
            assertEquals(b[i] * copies.count() / ROWS, a[i], 1e-5, "gradient " + i);
        }
        assertEquals(copies.metric(net.loss()), weighted.metric(net.loss()), 1e-15, "accuracy: / summed weights");
    }

    @Test
    void weightsSummingToTheRowCountTrainAsTheDuplicatedRows() {
        // Weights 0 and 2 in equal numbers: the duplicated data has as many rows, so Keras's batch means agree.
        TestData data = TestData.blobs(ROWS, 4, 3, 52);
        int[] times = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            times[i] = i % 2 == 0 ? 2 : 0;
        }
        Network net = Network.mlp(4, new int[] {5}, 3);
        TrainingOptions fullBatch = new TrainingOptions(4, 0, 1, 3, 2, true);
        TrainingResult weighted = new Trainer(JSC, net, Adadelta.builder().learningRate(1.0).build(), fullBatch)
                .fit(data.withWeights(asWeights(times)).toSpark(2, 16), null);
        TrainingResult copies = new Trainer(JSC, net, Adadelta.builder().learningRate(1.0).build(), fullBatch)
                .fit(data.repeated(times).toSpark(2, 16), null);
        assertArrayEquals(copies.weights(), weighted.weights(), 1e-5f);
        for (int e = 0; e < 4; e++) {
            assertEquals(copies.history().epochs().get(e).loss(), weighted.history().epochs().get(e).loss(), 1e-5);
            assertEquals(copies.history().epochs().get(e).metric(), weighted.history().epochs().get(e).metric(), 1e-12);
        }
    }

    @Test
    void theWeightedBatchLossIsKerasSumOverBatchSize() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("python3", "-c", "import keras").start().waitFor() == 0,
                "python3 with keras is not available");
        TestData data = TestData.blobs(12, 3, 3, 53);
        float[] weights = {0.5f, 2f, 0f, 1f, 3f, 0.25f, 1f, 1f, 2f, 0f, 1.5f, 1f};
        Network net = Network.softmaxRegression(3, 3);
        float[] params = net.initialParameters(9);
        GradientSum sum = new GradientSum();
        net.accumulate(net.weights(params), data.features, data.labels, weights, data.rows, 1f, sum);
        // The logits x . kernel + bias, for Keras's loss on the same numbers.
        VariableSpec kernel = net.layout().variables().get(0);
        VariableSpec bias = net.layout().variables().get(1);
        double[][] logits = new double[data.rows][3];
        for (int i = 0; i < data.rows; i++) {
            for (int c = 0; c < 3; c++) {
                double z = params[bias.offset() + c];
                for (int j = 0; j < 3; j++) {
                    z += data.features[i * 3 + j] * params[kernel.offset() + j * 3 + c];
                }
                logits[i][c] = z;
            }
        }
        String input = new ObjectMapper().writeValueAsString(Map.of("y", data.labels, "z", logits, "w", weights));
        Process p = new ProcessBuilder("python3", "-c", String.join("\n",
                "import json, sys, os",
                "os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'",
                "import numpy as np, keras",
                "d = json.load(sys.stdin)",
                "loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
                "print(float(loss(np.array(d['y']), np.array(d['z'], 'float32'), sample_weight=np.array(d['w']))))"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor(2, TimeUnit.MINUTES);
        assertEquals(0, p.exitValue(), out.toString());
        double keras = Double.parseDouble(out.get(out.size() - 1));
        assertEquals(keras, sum.meanLoss(), 1e-6, "weighted sum / 12 rows (not / " + sum.weightSum() + ")");
    }
}
