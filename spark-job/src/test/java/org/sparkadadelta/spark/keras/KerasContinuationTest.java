package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkadadelta.spark.keras.KerasPython.assertBits;
import static org.sparkadadelta.spark.keras.KerasPython.floats;
import static org.sparkadadelta.spark.keras.KerasPython.list;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Test (b) of the round trip: Keras trains a 784-64-10 MLP (Adadelta with a CosineDecay schedule) for one
 * epoch and saves it; the job continues it from that {@code .keras} file ({@code model.init_from}, nothing else
 * about the model or optimizer configured) for one epoch while Keras continues too, on the same batches (the
 * job's {@link org.sparkadadelta.spark.train.BatchSampler} order, fed to {@code train_on_batch}).
 *
 * <p>Exact: the state the job starts from is Keras's, bit for bit (weights, iteration, both slots of every
 * variable), and one optimizer step from it with Keras's own gradient of the first batch gives Keras's weights
 * and slots bit for bit. Within tolerance, as the matrix products' summation order differs: after the epoch,
 * every variable within 1e-5 of Keras's, relative to the variable's largest magnitude
 * ({@code max|ours - keras| / max|keras|}); the same iteration count; per-step losses to 4 significant digits.
 */
class KerasContinuationTest {
    private static final int ROWS = 1024;
    private static final int BATCH = 128;
    private static final long SHUFFLE_SEED = 7;

    @TempDir
    Path dir;

    @Test
    void theJobContinuesAKerasModelWhereKerasStopped() throws Exception {
        KerasPython.assumeKeras();
        Path data = dir.resolve("data");
        KerasPython.fashionSubset(data, "train", ROWS);
        Path batches = KerasPython.batches(dir.resolve("batches.json"), ROWS, BATCH, SHUFFLE_SEED, 1);
        Path start = dir.resolve("start.keras");
        Path result = dir.resolve("b.h5");
        KerasPython.run(dir, "continue", data.toString(), batches.toString(), "64", start.toString(),
                result.toString());
        Map<String, KerasTensor> keras = KerasPython.read(result);

        // The state the job starts from: Keras's, exactly.
        Configuration hadoop = new Configuration();
        KerasModel saved = KerasFiles.read(start.toString(), hadoop);
        assertEquals("mlp[64] classes=10", saved.model().toString());
        ParameterLayout layout = saved.layout();
        List<KerasTensor> startWeights = list(keras, "start/weights");
        for (int i = 0; i < startWeights.size(); i++) {
            VariableSpec v = layout.variables().get(i);
            assertBits(floats(startWeights.get(i)), Arrays.copyOfRange(saved.weights(), v.offset(),
                    v.offset() + v.size()), "start " + v.path());
        }
        List<KerasTensor> startSlots = list(keras, "start/optimizer");
        assertEquals(strip(startSlots), strip(saved.optimizerVariables()), "the optimizer state read from start.keras");

        // One step from it with Keras's gradient: Keras's weights and slots, bit for bit.
        KerasPython.assertSameStep(saved, keras, "step/grads", "step/weights", "step/optimizer", "one step");

        // The job continues from start.keras for an epoch.
        Path out = dir.resolve("run");
        String config = "{\"name\": \"keras-b\", "
                + "\"data\": {\"train\": " + KerasPython.idxData(data, "train") + ", \"partitions\": 2},"
                + "\"model\": {\"init_from\": \"" + start + "\"},"
                + "\"training\": {\"epochs\": 1, \"batch_size\": " + BATCH + ", \"shuffle_seed\": " + SHUFFLE_SEED
                + "},"
                + "\"output\": {\"path\": \"" + out + "\"}}";
        StringBuilder console = new StringBuilder();
        KerasPython.runJob(config, console);
        assertTrue(console.toString().contains("Starting from " + start + ": its weights and its optimizer's state"),
                console.toString());

        KerasModel ours = KerasFiles.read(out.resolve(KerasFiles.MODEL_FILE).toString(), hadoop);
        List<KerasTensor> endWeights = list(keras, "end/weights");
        double worst = 0;
        for (int i = 0; i < endWeights.size(); i++) {
            VariableSpec v = layout.variables().get(i);
            double d = relative(Arrays.copyOfRange(ours.weights(), v.offset(), v.offset() + v.size()),
                    floats(endWeights.get(i)));
            System.out.printf("keras round trip (b): %s max|ours - keras| / max|keras| = %.3g%n", v.path(), d);
            worst = Math.max(worst, d);
        }
        List<KerasTensor> endSlots = list(keras, "end/optimizer");
        assertEquals(endSlots.get(0).withPath("x"), ours.optimizerVariables().get(0).withPath("x"),
                "the same iteration count");
        double worstSlot = 0;
        for (int i = 1; i < endSlots.size(); i++) {
            worstSlot = Math.max(worstSlot, relative(floats(ours.optimizerVariables().get(i)), floats(endSlots.get(i))));
        }
        double[] losses = (double[]) keras.get("losses").values();
        List<String> steps = Files.readAllLines(out.resolve("history_steps.csv"));
        double worstLoss = KerasParityTest.compareLosses(steps, losses, "(b)");
        System.out.printf("keras round trip (b): after %d steps, max relative weight difference %.3g, max relative "
                + "slot difference %.3g, max relative loss difference %.3g%n", losses.length, worst, worstSlot,
                worstLoss);
        assertTrue(worst <= 1e-5, "max relative weight difference after an epoch: " + worst);
    }

    /** {@code max|a - b| / max|b|}. */
    static double relative(float[] a, float[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs((double) b[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    private static List<KerasTensor> strip(List<KerasTensor> tensors) {
        return tensors.stream().map(t -> t.withPath("x")).toList();
    }
}
