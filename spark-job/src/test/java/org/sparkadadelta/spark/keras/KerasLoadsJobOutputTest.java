package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkadadelta.spark.keras.KerasPython.assertBits;
import static org.sparkadadelta.spark.keras.KerasPython.floats;
import static org.sparkadadelta.spark.keras.KerasPython.list;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.SavedTensor;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;
import org.sparkadadelta.spark.output.WeightsFile;

/**
 * Test (a) of the round trip: real Keras 3.15.1 loads the job's {@code model.keras} with
 * {@code keras.saving.load_model}, and then
 * <ul>
 * <li>its weights are {@code weights.arrow}'s, bit for bit;
 * <li>every optimizer variable is the final checkpoint's, bit for bit (a LossScaleOptimizer around Adadelta with
 * a CosineDecay schedule and EMA: 4 + 2 + 2 x 4 + 4 averages... every one of them);
 * <li>{@code model.predict} on the test rows is our forward pass within 1e-6;
 * <li>one more {@code optimizer.apply} with a given gradient gives, bit for bit, what core-optim's optimizer gives
 * on the state we read back from the same {@code model.keras};
 * <li>and {@code model.load_weights} takes {@code model.weights.h5} alone, to the same values.
 * </ul>
 */
class KerasLoadsJobOutputTest {
    private static final int TEST_ROWS = 300;

    @TempDir
    Path dir;

    @Test
    void kerasLoadsTheJobsModelAndContinuesItBitForBit() throws Exception {
        KerasPython.assumeKeras();
        Path data = dir.resolve("data");
        KerasPython.fashionSubset(data, "train", 512);
        KerasPython.fashionSubset(data, "t10k", TEST_ROWS);
        Path out = dir.resolve("run");
        Path ckpt = dir.resolve("ckpt");
        String adadelta = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": {"
                + "\"name\": \"adadelta\", \"learning_rate\": {\"module\": \"keras.optimizers.schedules\", "
                + "\"class_name\": \"CosineDecay\", \"config\": {\"initial_learning_rate\": 1.0, \"decay_steps\": 100}, "
                + "\"registered_name\": null}, \"use_ema\": true}, \"registered_name\": null}";
        String config = "{\"name\": \"keras-a\", "
                + "\"data\": {\"train\": " + KerasPython.idxData(data, "train") + ", \"test\": "
                + KerasPython.idxData(data, "t10k") + ", \"partitions\": 2},"
                + "\"model\": {\"type\": \"mlp\", \"hidden\": [32], \"classes\": 10},"
                + "\"training\": {\"epochs\": 2, \"batch_size\": 128, \"shuffle_seed\": 3, \"model_seed\": 5},"
                + "\"optimizer\": {\"module\": \"keras.optimizers\", \"class_name\": \"LossScaleOptimizer\", "
                + "\"config\": {\"name\": \"loss_scale_optimizer\", \"inner_optimizer\": " + adadelta
                + ", \"initial_scale\": 32768.0, \"dynamic_growth_steps\": 3}, \"registered_name\": null},"
                + "\"output\": {\"path\": \"" + out + "\"},"
                + "\"checkpoint\": {\"path\": \"" + ckpt + "\", \"every_steps\": 1000}}";
        StringBuilder console = new StringBuilder();
        KerasPython.runJob(config, console);

        Path result = dir.resolve("a.h5");
        KerasPython.run(dir, "load-output", out.toString(), data.toString(), Integer.toString(TEST_ROWS), "17",
                result.toString());
        Map<String, KerasTensor> keras = KerasPython.read(result);

        Configuration hadoop = new Configuration();
        KerasModel ours = KerasFiles.read(out.resolve(KerasFiles.MODEL_FILE).toString(), hadoop);
        ParameterLayout layout = ours.layout();
        float[] weights = WeightsFile.read(new org.apache.hadoop.fs.Path(out.resolve(WeightsFile.FILE_NAME).toUri()),
                hadoop, layout);
        List<KerasTensor> kerasWeights = list(keras, "weights");
        assertEquals(layout.variables().size(), kerasWeights.size());
        for (int i = 0; i < kerasWeights.size(); i++) {
            VariableSpec v = layout.variables().get(i);
            assertBits(Arrays.copyOfRange(weights, v.offset(), v.offset() + v.size()), floats(kerasWeights.get(i)),
                    "weights.arrow vs Keras's " + v.path());
        }

        CheckpointState last;
        try (CheckpointStore store = new CheckpointStore(ckpt.toString(), 3, hadoop)) {
            last = store.loadNewestValid(m -> { }).orElseThrow();
        }
        List<KerasTensor> kerasSlots = list(keras, "optimizer");
        List<SavedTensor> saved = last.optimizerTensors();
        assertEquals(saved.size(), kerasSlots.size(), "optimizer variables");
        assertEquals(4 + 1 + 3 * 4, saved.size(), "LSO's 4, Adadelta's iteration (no learning_rate: a schedule), "
                + "average and 2 slots for each of 4 variables");
        for (int i = 0; i < saved.size(); i++) {
            assertSame(saved.get(i), kerasSlots.get(i));
        }

        // predict() against our forward pass on the test rows.
        float[] x = KerasPython.features(data, "t10k", TEST_ROWS);
        org.sparkadadelta.spark.model.Network network = ours.network();
        float[] probabilities = network.predict(network.weights(weights), x, TEST_ROWS);
        float[] predicted = floats(keras.get("predict"));
        assertEquals(probabilities.length, predicted.length);
        double maxDiff = 0;
        for (int i = 0; i < predicted.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs((double) probabilities[i] - predicted[i]));
        }
        System.out.printf("keras round trip (a): max |predict - ours| over %d rows x 10 classes = %.3g%n", TEST_ROWS,
                maxDiff);
        assertTrue(maxDiff <= 1e-6, "max |Keras predict - our forward| = " + maxDiff);

        // One more apply, from the state read back from model.keras, with Keras's gradient.
        KerasPython.assertSameStep(ours, keras, "grads", "after/weights", "after/optimizer", "after one more apply");

        // model.load_weights(model.weights.h5): the same weights and optimizer variables.
        assertEquals(strip(kerasWeights), strip(list(keras, "load_weights/weights")));
        assertEquals(strip(kerasSlots), strip(list(keras, "load_weights/optimizer")));
        System.out.printf("keras round trip (a): %d weights and %d optimizer variables bit-equal, one more apply "
                + "bit-equal%n", kerasWeights.size(), kerasSlots.size());
    }

    private static List<KerasTensor> strip(List<KerasTensor> tensors) {
        return tensors.stream().map(t -> t.withPath("x")).toList();
    }

    /** A checkpoint tensor against Keras's: values bit for bit (float32, or int64 counters). */
    private static void assertSame(SavedTensor saved, KerasTensor keras) {
        assertEquals(Arrays.toString(saved.shape()), Arrays.toString(keras.shape()), saved.path());
        double[] v = saved.values();
        if (keras.isInteger()) {
            long[] k = (long[]) keras.values();
            for (int i = 0; i < v.length; i++) {
                assertEquals((long) v[i], k[i], saved.path());
            }
        } else {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            assertBits(f, floats(keras), saved.path());
        }
    }
}
