package org.sparkadadelta.spark.train;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.checkpoint.SamplerParams;
import org.sparkadadelta.spark.checkpoint.SetupFingerprint;
import org.sparkadadelta.spark.data.DataChecksum;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;

/** The {@link SetupFingerprint} of a training run: optimizer config, batch order, model and training data. */
final class RunFingerprint {
    private RunFingerprint() {
    }

    static SetupFingerprint of(Optimizer optimizer, Network network, SamplerParams sampler, TrainingData train) {
        Map<String, Object> model = network.describe();
        // Names and sizes: "dense 784->256 relu, dense_1 256->10 linear" (the loss adds the output's activation).
        String layers = network.layers().stream().map(l -> l.name() + " " + l.inputs() + "->" + l.units() + " "
                + l.activation().name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        return SetupFingerprint.builder(OptimizerSerialization.serialize(optimizer), sampler)
                .put("model.type", model.get("kind"))
                .put("model.loss", model.get("loss"))
                .put("model.layers", layers)
                .put("data.train.features", train.numFeatures())
                .put("data.train.labels", (train.labels().allIntegral() ? "integral" : "real") + " in ["
                        + train.labels().min() + ", " + train.labels().max() + "]")
                .put("data.train.checksum", DataChecksum.hex(train.checksum()))
                .build();
    }
}
