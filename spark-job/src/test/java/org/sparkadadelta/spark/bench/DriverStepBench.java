package org.sparkadadelta.spark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * The driver's share of a training step at d = 1,017,610 (MLP 784-1280-10), without Spark: Keras's Adadelta
 * update ({@code apply}) against the mean-gradient loop the trainer runs before it ({@code (float) (sum /
 * count)} per element), 50 steps per round, one ND4J thread. Tells how much of {@code bin/bench-step 235
 * 1280}'s gap to the no-op step is the optimizer's.
 *
 * <p>Run: {@code BENCH_MAIN=DriverStepBench bin/bench-step [rounds]}.
 */
public final class DriverStepBench {
    private DriverStepBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Nd4j.getEnvironment().setMaxThreads(1);
        Network net = Network.mlp(784, new int[] {1280}, 10);
        INDArray flat = Nd4j.createFromArray(net.initialParameters(1));
        INDArray gradient = Nd4j.rand(DataType.FLOAT, net.layout().size());
        List<Variable> vars = new ArrayList<>();
        List<INDArray> grads = new ArrayList<>();
        for (VariableSpec v : net.layout().variables()) {
            vars.add(new Variable(v.name(), v.path(), slice(flat, v)));
            grads.add(slice(gradient, v));
        }
        Adadelta optimizer = new Adadelta(1.0);
        float[] sum = new float[net.layout().size()];
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                optimizer.apply(grads, vars);
            }
            long applied = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                float[] mean = new float[sum.length];
                for (int k = 0; k < mean.length; k++) {
                    mean[k] = (float) ((double) sum[k] / 256);
                }
            }
            long meaned = System.nanoTime();
            if (round > 0) {
                System.out.printf(Locale.ROOT, "d=%d: optimizer apply %.1f ms/step, mean gradient %.1f ms/step%n",
                        sum.length, (applied - start) / 1e6 / 50, (meaned - applied) / 1e6 / 50);
            }
        }
    }

    private static INDArray slice(INDArray flat, VariableSpec v) {
        return flat.get(NDArrayIndex.interval(v.offset(), v.offset() + v.size())).reshape('c', v.shape());
    }
}
