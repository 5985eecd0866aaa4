package org.sparkadadelta.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

/**
 * A tiny dense layer trained by a real optimizer, to checkpoint and resume, with a history of its steps in
 * epochs of {@link #STEPS_PER_EPOCH}.
 */
final class TrainingFixture {
    static final ParameterLayout LAYOUT = ParameterLayout.builder().add("kernel", "dense/kernel", 3, 2)
            .add("bias", "dense/bias", 2).build();
    static final SamplerParams SAMPLER = new SamplerParams(60000, 128, 7);
    static final SetupFingerprint FINGERPRINT = SetupFingerprint.builder(Map.of("class_name", "Adadelta"), SAMPLER)
            .put("model.layers", "dense 3->2 linear").put("data.train.checksum", "0123456789abcdef").build();
    static final Map<String, Object> JOB = Map.of("name", "fixture");
    static final int STEPS_PER_EPOCH = 3;

    final List<Variable> variables;
    final Optimizer optimizer;
    final History history = new History();

    /** Fresh variables holding {@code weights}, and a fresh optimizer built on them. */
    TrainingFixture(float[] weights, Supplier<Optimizer> optimizer) {
        variables = new ArrayList<>();
        for (var spec : LAYOUT.variables()) {
            float[] values = Arrays.copyOfRange(weights, spec.offset(), spec.offset() + spec.size());
            variables.add(new Variable(spec.name(), spec.path(), Nd4j.createFromArray(values).reshape(spec.shape())));
        }
        this.optimizer = optimizer.get();
        this.optimizer.build(variables);
    }

    static float[] initialWeights() {
        return new float[] {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.01f, -0.02f};
    }

    /** Applies deterministic, step-dependent gradients for steps {@code from} (inclusive) to {@code to}. */
    void train(int from, int to) {
        for (int step = from; step < to; step++) {
            List<INDArray> grads = new ArrayList<>();
            for (Variable v : variables) {
                INDArray g = Nd4j.linspace(1, v.value().length(), v.value().length(), DataType.FLOAT)
                        .muli(0.37 * (step + 1)).subi(0.9).reshape(v.shape());
                grads.add(g);
            }
            optimizer.apply(grads);
            // Losses that need all 17 digits, and NaN, to check that the history reads back exactly.
            double loss = step == 4 ? Double.NaN : 1.0 / (step + 3);
            history.add(new StepRecord(step, step / STEPS_PER_EPOCH, step % STEPS_PER_EPOCH, loss, 0.5, 0.1 * step,
                    128, 128, 1e-3 * step));
            if (step % STEPS_PER_EPOCH == STEPS_PER_EPOCH - 1) {
                history.add(new EpochRecord(step / STEPS_PER_EPOCH, loss / 3, 0.5, Double.NaN, Math.PI, 0.1 * step,
                        "accuracy", 0.5));
            }
        }
    }

    float[] weights() {
        float[] out = new float[LAYOUT.size()];
        for (int i = 0; i < variables.size(); i++) {
            float[] values = variables.get(i).value().castTo(DataType.FLOAT).dup('c').data().asFloat();
            System.arraycopy(values, 0, out, LAYOUT.variables().get(i).offset(), values.length);
        }
        return out;
    }

    /** The state after {@code steps} steps, which must be the steps trained so far. */
    CheckpointState capture(long steps) {
        return CheckpointState.capture(steps, (int) (steps / STEPS_PER_EPOCH), steps % STEPS_PER_EPOCH, LAYOUT,
                weights(), optimizer, SAMPLER, FINGERPRINT, JOB, history);
    }

    /** Asserts that the weights and every optimizer tensor are bit-identical (paths and dtypes too). */
    static void assertSameState(TrainingFixture expected, TrainingFixture actual) {
        assertArrayEquals(bits(expected.weights()), bits(actual.weights()), "weights");
        var e = expected.optimizer.optimizerVariables();
        var a = actual.optimizer.optimizerVariables();
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            SavedTensor se = SavedTensor.of(e.get(i));
            SavedTensor sa = SavedTensor.of(a.get(i));
            assertEquals(se.signature(), sa.signature());
            assertArrayEquals(bits(se.values()), bits(sa.values()), se.path());
        }
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }

    static long[] bits(double[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }
}
