package org.sparkadadelta.spark.train;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;

/**
 * A one-off check that a change to the executor or driver pass keeps training bit-identical: trains a few
 * fixed small runs (every model kind, mini-batch and full batch, several blocks per partition, a loss scale
 * that is not a power of two, validation) and prints a SHA-256 of the final weights' and losses' bits. Run
 * it on two builds and compare the lines ({@code java ... org.sparkadadelta.spark.train.WeightsDigest}).
 */
public final class WeightsDigest {
    private WeightsDigest() {
    }

    public static void main(String[] args) throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        TestData blobs = TestData.blobs(1000, 20, 4, 5);
        TestData linear = TestData.linear(700, 6, 3);
        TrainingData blobs3 = blobs.toSpark(3, 64);
        TrainingData blobs2 = blobs.toSpark(2, 100);
        TrainingData linear2 = linear.toSpark(2, 90);
        print("mlp minibatch", jsc, Network.mlp(20, new int[] {16, 12}, 4), new Adadelta(1.0), 50, 2, blobs3, blobs2);
        print("mlp lso", jsc, Network.mlp(20, new int[] {24}, 4), new LossScaleOptimizer(new Adadelta(1.0)), 64, 2,
                blobs2, null);
        print("mlp scale 1000", jsc, Network.mlp(20, new int[] {24}, 4),
                Adadelta.builder().learningRate(1.0).lossScaleFactor(1000.0).build(), 33, 1, blobs3, null);
        print("softmax full", jsc, Network.softmaxRegression(20, 4), new Adadelta(1.0), 0, 5, blobs2, blobs3);
        print("mlp full", jsc, Network.mlp(20, new int[] {10}, 4), new Adadelta(1.0), 0, 4, blobs3, null);
        print("logistic", jsc, Network.logisticRegression(6), new Adadelta(1.0), 32, 2,
                TestData.blobs(600, 6, 2, 9).toSpark(2, 70), null);
        print("linear full", jsc, Network.linearRegression(6), new Adadelta(1.0), 0, 6, linear2, linear2);
        print("linear minibatch", jsc, Network.linearRegression(6), new Adadelta(1.0), 40, 1, linear2, null);
        TrainingData wide = TestData.blobs(1500, 300, 10, 7).toSpark(2, 256);
        print("mlp wide", jsc, Network.mlp(300, new int[] {128}, 10), new Adadelta(1.0), 200, 1, wide, wide);
        print("mlp wide full", jsc, Network.mlp(300, new int[] {96, 32}, 10), new Adadelta(1.0), 0, 2, wide, null);
        SparkTestSession.get().stop();
    }

    private static void print(String name, JavaSparkContext jsc, Network net, Optimizer opt, long batch, int epochs,
            TrainingData train, TrainingData validation) throws Exception {
        TrainingResult r = new Trainer(jsc, net, opt, new TrainingOptions(epochs, batch, 1, 42, 2, true))
                .fit(train, validation);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteBuffer b = ByteBuffer.allocate(4 * r.weights().length);
        for (float w : r.weights()) {
            b.putInt(Float.floatToRawIntBits(w));
        }
        sha.update(b.array());
        r.history().steps().forEach(s -> sha.update(Long.toString(Double.doubleToRawLongBits(s.loss())).getBytes()));
        r.history().epochs().forEach(e -> sha.update((Double.doubleToRawLongBits(e.validationLoss()) + ","
                + Double.doubleToRawLongBits(e.validationMetric())).getBytes()));
        System.out.println("DIGEST " + name + " " + HexFormat.of().formatHex(sha.digest()));
    }
}
