package org.sparkadadelta.spark.bench;

import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.spark.model.GradientSum;
import org.sparkadadelta.spark.model.Network;

/**
 * Where an executor's pass over its rows goes, without Spark: one thread (as one task) runs
 * {@link Network#accumulate} over 30,000 rows of 784 features in blocks of 4,096 rows (a full-batch task's
 * share in {@code bin/bench-step}'s setup), for softmax regression and the 784-128-10 MLP, against a peer in
 * the same run: the same matrix products alone (forward and backward GEMMs on preallocated ND4J arrays).
 * Prints per-row costs: the pass, the products, and the difference (what is spent outside the products).
 *
 * <p>Run: {@code bin/bench-executor [rounds]}.
 */
public final class ExecutorPassBench {
    private static final int ROWS = 30_000;
    private static final int BLOCK = 4096;
    private static final int FEATURES = 784;

    private ExecutorPassBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Nd4j.getEnvironment().setMaxThreads(1);
        Random r = new Random(1);
        float[][] x = new float[(ROWS + BLOCK - 1) / BLOCK][];
        float[][] y = new float[x.length][];
        for (int b = 0; b < x.length; b++) {
            int n = Math.min(BLOCK, ROWS - b * BLOCK);
            x[b] = new float[n * FEATURES];
            y[b] = new float[n];
            for (int i = 0; i < x[b].length; i++) {
                x[b][i] = r.nextFloat();
            }
            for (int i = 0; i < n; i++) {
                y[b][i] = r.nextInt(10);
            }
        }
        Network[] nets = {Network.softmaxRegression(FEATURES, 10), Network.mlp(FEATURES, new int[] {128}, 10)};
        for (int round = 0; round < rounds; round++) {
            for (Network net : nets) {
                float[] params = net.initialParameters(1);
                long start = System.nanoTime();
                Network.Weights w = net.weights(params);
                GradientSum sum = new GradientSum();
                for (int b = 0; b < x.length; b++) {
                    net.accumulate(w, x[b], y[b], y[b].length, 1f, sum);
                }
                double pass = (System.nanoTime() - start) / 1e3 / ROWS;
                double products = products(net, x) / 1e3 / ROWS;
                if (round > 0) { // round 0 warms the JIT and ND4J up
                    System.out.printf(Locale.ROOT, "%s: pass %.2f us/row, products alone %.2f us/row, outside the "
                            + "products %.2f us/row (ratio pass/products %.2f)%n", net.describe().get("kind")
                            + net.layers().stream().map(l -> "-" + l.outputs()).reduce("", String::concat),
                            pass, products, pass - products, pass / products);
                }
            }
        }
    }

    /** Nanoseconds for the pass's GEMMs alone, every array allocated (and touched) beforehand. */
    private static long products(Network net, float[][] x) {
        DataType f = DataType.FLOAT;
        int layers = net.layers().size();
        INDArray[] kernels = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            kernels[l] = Nd4j.rand(f, net.layers().get(l).inputs(), net.layers().get(l).outputs());
        }
        INDArray[][] acts = new INDArray[x.length][layers + 1];
        INDArray[][] grads = new INDArray[x.length][layers];
        INDArray[][] deltas = new INDArray[x.length][layers];
        for (int b = 0; b < x.length; b++) {
            long rows = x[b].length / FEATURES;
            acts[b][0] = Nd4j.createFromArray(x[b]).reshape(rows, FEATURES);
            for (int l = 0; l < layers; l++) {
                acts[b][l + 1] = Nd4j.rand(f, rows, net.layers().get(l).outputs());
                grads[b][l] = Nd4j.rand(f, net.layers().get(l).inputs(), net.layers().get(l).outputs());
                deltas[b][l] = Nd4j.rand(f, rows, net.layers().get(l).inputs());
            }
        }
        long start = System.nanoTime();
        for (int b = 0; b < x.length; b++) {
            for (int l = 0; l < layers; l++) {
                acts[b][l].mmuli(kernels[l], acts[b][l + 1]);
            }
            INDArray delta = acts[b][layers];
            for (int l = layers - 1; l >= 0; l--) {
                acts[b][l].transpose().mmuli(delta, grads[b][l]);
                if (l > 0) {
                    delta.mmuli(kernels[l].transpose(), deltas[b][l]);
                    delta = deltas[b][l];
                }
            }
        }
        return System.nanoTime() - start;
    }
}
