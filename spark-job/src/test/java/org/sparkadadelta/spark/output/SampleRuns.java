package org.sparkadadelta.spark.output;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

/** Synthetic runs for the output tests: a two-layer dense model and a loss curve that decays with noise. */
final class SampleRuns {
    private SampleRuns() {
    }

    static ParameterLayout layout() {
        return ParameterLayout.builder()
                .add("kernel", "dense/kernel", 4, 3)
                .add("bias", "dense/bias", 3)
                .add("kernel", "dense_1/kernel", 3, 2)
                .add("bias", "dense_1/bias", 2)
                .build();
    }

    /** Weights with the awkward values: -0.0, a NaN with a payload, subnormals, infinities, extremes. */
    static float[] weights(ParameterLayout layout) {
        float[] w = new float[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.7) * (i + 1);
        }
        w[0] = -0.0f;
        w[1] = Float.intBitsToFloat(0x7fc12345);
        w[2] = Float.MIN_VALUE;
        w[3] = Float.intBitsToFloat(0x00400001);
        w[4] = Float.NEGATIVE_INFINITY;
        w[5] = Float.MAX_VALUE;
        w[w.length - 1] = 0.1f;
        return w;
    }

    /** {@code epochs} epochs of {@code stepsPerEpoch} steps; validation values NaN unless {@code validation}. */
    static History history(int epochs, int stepsPerEpoch, boolean validation, String metric) {
        History h = new History();
        long step = 0;
        for (int e = 0; e < epochs; e++) {
            double sum = 0;
            for (int s = 0; s < stepsPerEpoch; s++, step++) {
                double loss = 2.3 * Math.exp(-step / (double) stepsPerEpoch) + 0.05 + 0.15 * Math.sin(step * 1.7);
                sum += loss;
                h.add(new StepRecord(step, e, s, loss, 0.5 + 0.001 * s, 1.0, 128, 128, 0.01 + 1e-5 * s));
            }
            double train = sum / stepsPerEpoch;
            h.add(new EpochRecord(e, train, 0.55 + 0.3 * (1 - Math.exp(-e)), validation ? train * 1.1 : Double.NaN,
                    validation ? 0.6 + 0.3 * (1 - Math.exp(-e)) : Double.NaN, 1.0, metric, 1.5 + e));
        }
        return h;
    }

    static RunResult run(History history) {
        ParameterLayout layout = layout();
        Map<String, Object> optimizer = new LinkedHashMap<>();
        optimizer.put("module", "keras.optimizers");
        optimizer.put("class_name", "Adadelta");
        optimizer.put("config", Map.of("name", "adadelta", "learning_rate", 1.0, "rho", 0.95, "epsilon", 1e-7));
        optimizer.put("registered_name", null);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", 0.88);
        metrics.put("test_loss", 0.1 + 0.2);
        metrics.put("train_seconds", 42.5);
        return new RunResult("sample run", layout, weights(layout), history,
                new OptimizerState(optimizer, 1234, 2468),
                Map.of("architecture", List.of(Map.of("units", 3, "activation", "relu"),
                        Map.of("units", 2, "activation", "softmax"))),
                Map.of("source", "synthetic", "rows", 1000), metrics,
                KerasModel.of(new ModelSpec("mlp", new int[] {3}, 2), 4, weights(layout),
                        Adadelta.builder().name("adadelta").learningRate(1.0).build()));
    }
}
