package org.sparkadadelta.spark.bench;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.train.Trainer;
import org.sparkadadelta.spark.train.TrainingOptions;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * What one training step costs against its floor, measured in the same JVM and run: a "no-op step" that
 * broadcasts the same d floats and brings one d-float array back from every partition through the same
 * {@code treeAggregate}, but computes nothing. The ratio says how much of a step is our work (gradients,
 * batch gathering, the optimizer update) versus Spark's fixed per-step cost.
 *
 * <p>Each round also trains the same epoch with {@code gradient_accumulation_steps=4}, whose micro-steps share
 * a Spark job per window of 4, and reports its time per micro-step against the plain training step's.
 *
 * <p>Run: {@code bin/bench-step [steps] [hidden] [rounds]} (Fashion-MNIST from Debian's package, 2 partitions,
 * local[2]; 3 rounds, the first a warm-up); with {@code BENCH_MASTER=spark://...} it is submitted to that
 * cluster instead.
 */
public final class StepCostBench {
    private StepCostBench() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SparkSession spark = BenchSpark.session("step-cost-bench");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingData train = BenchSpark.fashionMnistTrain(spark);
        Network net = Network.mlp(train.numFeatures(), new int[] {hidden}, 10);
        int d = net.layout().size();
        long batch = (train.rows() + steps - 1) / steps; // one epoch of `steps` steps

        for (int round = 0; round < rounds; round++) { // round 0 warms the JIT, Spark and ND4J up
            double noop = noopSteps(jsc, train.blocks(), d, steps);
            double noopRunJob = noopRunJobSteps(jsc, train.blocks(), d, steps);
            TrainingOptions options = new TrainingOptions(1, batch, 1, 42, 2, true);
            double step = msPerStep(new Trainer(jsc, net, new Adadelta(1.0), options).fit(train, null));
            TrainingResult accumulated = new Trainer(jsc, net, Adadelta.builder().learningRate(1.0)
                    .gradientAccumulationSteps(4).build(), options).fit(train, null);
            double micro = msPerStep(accumulated);
            if (round > 0) {
                System.out.printf(Locale.ROOT, "%s d=%d batch=%d: training step %.1f ms, no-op step %.1f ms, "
                        + "ratio %.2f (no-op step as one runJob %.1f ms); accumulation N=4: %.1f ms per micro-step, "
                        + "ratio to the training step %.2f (a window's job and first apply %.1f ms, each later apply "
                        + "%.1f ms)%n",
                        spark.sparkContext().master(), d, batch, step, noop, step / noop, noopRunJob, micro,
                        micro / step,
                        recordedMs(accumulated, true), recordedMs(accumulated, false));
            }
        }
        spark.stop();
    }

    /** Training time per optimizer apply. */
    private static double msPerStep(TrainingResult r) {
        return (double) r.metrics().get("train_seconds") * 1e3 / r.history().steps().size();
    }

    /**
     * The mean recorded time of the micro-steps that start a window of 4 (the shared Spark job and the first
     * apply), or of the others (an apply on the driver).
     */
    private static double recordedMs(TrainingResult r, boolean windowStarts) {
        return r.history().steps().stream().filter(s -> (s.stepInEpoch() % 4 == 0) == windowStarts)
                .mapToDouble(s -> s.seconds() * 1e3).average().orElse(Double.NaN);
    }

    private static double noopSteps(JavaSparkContext jsc, JavaRDD<DenseBlock> blocks, int d, int steps) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            Broadcast<float[]> bc = jsc.broadcast(new float[d]);
            blocks.mapPartitions(it -> List.of(new float[bc.value().length]).iterator())
                    .treeAggregate(new float[0], (a, b) -> add(a, b), (a, b) -> add(a, b), 2);
            bc.destroy();
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    /**
     * The same no-op step as one {@code SparkContext.runJob} with a named task function, the partitions' arrays
     * added on the driver: how the training step runs its jobs with few partitions (train/PartitionJob).
     */
    private static double noopRunJobSteps(JavaSparkContext jsc, JavaRDD<DenseBlock> blocks, int d, int steps) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            Broadcast<float[]> bc = jsc.broadcast(new float[d]);
            Object[] arrays = (Object[]) jsc.sc().runJob(blocks.rdd(), new BenchSpark.NoopTask(bc),
                    scala.reflect.ClassTag$.MODULE$.apply(float[].class));
            float[] sum = new float[0];
            for (Object a : arrays) {
                sum = add(sum, (float[]) a);
            }
            bc.destroy();
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    private static float[] add(float[] a, float[] b) {
        if (a.length == 0) {
            return b.clone();
        }
        for (int i = 0; i < b.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
