package org.sparkadadelta.spark.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.data.DataChecksum;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Layer;
import org.sparkadadelta.spark.model.Network;

/** The {@link SetupFingerprint} of a training run: optimizer config, batch order, model and training data. */
final class RunFingerprint {
    private RunFingerprint() {
    }

    /** The fingerprint of a run as its callbacks see it. */
    static SetupFingerprint of(TrainingRun run) {
        SetupFingerprint.Builder b = builder(run.optimizer(), run.network(), SamplerParams.of(run), run.trainingData());
        // Only when used: the fingerprints of unweighted runs stay those of the checkpoints before weights.
        if (run.trainingData().weighted()) {
            b.put("data.train.sample_weights", "a weight column");
        }
        if (!run.classWeight().isEmpty()) {
            b.put("training.class_weight", new java.util.TreeMap<>(run.classWeight()).toString());
        }
        return b.build();
    }

    private static SetupFingerprint.Builder builder(Optimizer optimizer, Network network, SamplerParams sampler,
            TrainingData train) {
        Map<String, Object> model = network.describe();
        // Names and sizes: "dense 784->256 relu, dense_1 256->10 linear" (the loss adds the output's activation).
        String layers = network.layers().stream().map(Layer::summary).collect(Collectors.joining(", "));
        return SetupFingerprint.builder(optimizerConfig(optimizer), sampler)
                .put("model.type", model.get("kind"))
                .put("model.loss", model.get("loss"))
                .put("model.layers", layers)
                .put("data.train.features", train.numFeatures())
                .put("data.train.labels", (train.labels().allIntegral() ? "integral" : "real") + " in ["
                        + train.labels().min() + ", " + train.labels().max() + "]")
                .put("data.train.checksum", DataChecksum.hex(train.checksum()));
    }

    /**
     * The Keras config, without the serializer's warning about a Java supplier learning rate, which is
     * recorded as such: its class name (a lambda's differs between JVMs) cannot tell whether it changed.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> optimizerConfig(Optimizer optimizer) {
        Map<String, Object> serialized = OptimizerSerialization.serialize(optimizer, message -> { });
        Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) serialized.get("config"));
        if (config.get("learning_rate") instanceof Map<?, ?> lr && "function".equals(lr.get("class_name"))) {
            config.put("learning_rate", "a Java supplier (not compared)");
        }
        Map<String, Object> copy = new LinkedHashMap<>(serialized);
        copy.put("config", config);
        return copy;
    }
}
