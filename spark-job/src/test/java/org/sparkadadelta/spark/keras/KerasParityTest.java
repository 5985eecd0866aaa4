package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkadadelta.spark.keras.KerasPython.assertBits;
import static org.sparkadadelta.spark.keras.KerasPython.floats;
import static org.sparkadadelta.spark.keras.KerasPython.list;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Test (c) of the round trip, end to end: the 784-256-10 MLP with Keras's {@code Adadelta(learning_rate=1.0)},
 * the same initial weights (the job's seeded initialisation, handed to Keras as an untrained {@code .keras}
 * that the job also starts from) and the same 50 batches of 128 Fashion-MNIST rows, in Keras
 * ({@code train_on_batch}) and in the job. After the 50 steps every variable is within 1e-4 of Keras's,
 * relative to its largest magnitude, and every step's loss equals Keras's to 4 significant digits. The measured
 * figures are printed.
 */
class KerasParityTest {
    private static final int ROWS = 50 * 128;

    @TempDir
    Path dir;

    @Test
    void fiftyStepsOfTheFashionMnistMlpMatchKeras() throws Exception {
        KerasPython.assumeKeras();
        Path data = dir.resolve("data");
        KerasPython.fashionSubset(data, "train", ROWS);
        Path batches = KerasPython.batches(dir.resolve("batches.json"), ROWS, 128, 1, 1);
        ModelSpec mlp = new ModelSpec("mlp", new int[] {256}, 10);
        float[] initial = mlp.build(784).initialParameters(42);
        Path init = dir.resolve("init.keras");
        try (OutputStream out = Files.newOutputStream(init)) {
            KerasFiles.writeModel(out, KerasModel.of(mlp, 784, initial,
                    Adadelta.builder().name("adadelta").learningRate(1.0).build()), Instant.now());
        }
        Path result = dir.resolve("c.h5");
        KerasPython.run(dir, "parity", init.toString(), data.toString(), batches.toString(), result.toString());
        Map<String, KerasTensor> keras = KerasPython.read(result);

        ParameterLayout layout = mlp.build(784).layout();
        List<KerasTensor> start = list(keras, "start/weights");
        for (int i = 0; i < start.size(); i++) {
            VariableSpec v = layout.variables().get(i);
            assertBits(java.util.Arrays.copyOfRange(initial, v.offset(), v.offset() + v.size()), floats(start.get(i)),
                    "Keras starts from our initial " + v.path());
        }

        Path out = dir.resolve("run");
        String config = "{\"name\": \"keras-c\", "
                + "\"data\": {\"train\": " + KerasPython.idxData(data, "train") + ", \"partitions\": 2},"
                + "\"model\": {\"init_from\": \"" + init + "\"},"
                + "\"training\": {\"epochs\": 1, \"batch_size\": 128, \"shuffle_seed\": 1},"
                + "\"output\": {\"path\": \"" + out + "\"}}";
        StringBuilder console = new StringBuilder();
        KerasPython.runJob(config, console);
        assertTrue(console.toString().contains("its weights, the optimizer afresh"), console.toString());

        KerasModel ours = KerasFiles.read(out.resolve(KerasFiles.MODEL_FILE).toString(), new Configuration());
        List<KerasTensor> end = list(keras, "end/weights");
        double worst = 0;
        for (int i = 0; i < end.size(); i++) {
            VariableSpec v = layout.variables().get(i);
            double d = KerasContinuationTest.relative(java.util.Arrays.copyOfRange(ours.weights(), v.offset(),
                    v.offset() + v.size()), floats(end.get(i)));
            System.out.printf("keras round trip (c): %s max|ours - keras| / max|keras| = %.3g%n", v.path(), d);
            worst = Math.max(worst, d);
        }
        double[] losses = (double[]) keras.get("losses").values();
        assertEquals(50, losses.length);
        double worstLoss = compareLosses(Files.readAllLines(out.resolve("history_steps.csv")), losses, "(c)");
        System.out.printf("keras round trip (c): 50 steps of 784-256-10: max relative weight difference %.3g, max "
                + "relative loss difference %.3g (first loss %.6f, last %.6f)%n", worst, worstLoss, losses[0],
                losses[49]);
        assertTrue(worst <= 1e-4, "max relative weight difference after 50 steps: " + worst);
    }

    /**
     * Per-step losses of the job's {@code history_steps.csv} against Keras's, equal to 4 significant digits;
     * returns the largest relative difference.
     */
    static double compareLosses(List<String> historySteps, double[] keras, String test) {
        List<String> header = List.of(historySteps.get(0).split(","));
        int lossColumn = header.indexOf("loss");
        assertTrue(lossColumn >= 0, historySteps.get(0));
        assertEquals(keras.length, historySteps.size() - 1, "steps");
        double worst = 0;
        for (int s = 0; s < keras.length; s++) {
            double ours = Double.parseDouble(historySteps.get(s + 1).split(",")[lossColumn]);
            worst = Math.max(worst, Math.abs(ours - keras[s]) / Math.abs(keras[s]));
            assertEquals(String.format(Locale.ROOT, "%.4g", keras[s]), String.format(Locale.ROOT, "%.4g", ours),
                    test + " loss of step " + s + ": ours " + ours + ", Keras " + keras[s]);
        }
        return worst;
    }
}
