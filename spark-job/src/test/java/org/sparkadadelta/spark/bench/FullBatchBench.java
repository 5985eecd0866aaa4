package org.sparkadadelta.spark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.train.Trainer;
import org.sparkadadelta.spark.train.TrainingOptions;

/**
 * One full-batch gradient pass over Fashion-MNIST's 60,000 training rows (a full-batch training step: the
 * Spark job plus the optimizer update) against Spark ML's iteration on the same rows, cached, in the same
 * JVM: {@code LogisticRegression} (multinomial, L-BFGS) for softmax regression and
 * {@code MultilayerPerceptronClassifier} (784-128-10, solver {@code gd}) for the MLP. Each side's cost per
 * iteration is a fit's wall time divided by the iterations it ran (L-BFGS may stop early: its summary's
 * count is used), so each includes its set-up (Spark ML's summary-statistics pass; our first broadcast).
 *
 * <p>Run: {@code bin/bench-fullbatch [iterations]} (local[2], 2 partitions).
 */
public final class FullBatchBench {
    private FullBatchBench() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        SparkSession spark = BenchSpark.session("full-batch-bench");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingData train = BenchSpark.fashionMnistTrain(spark);
        Dataset<Row> df = asDataFrame(spark, train.blocks()).cache();
        df.count();

        for (int round = 0; round < 3; round++) { // round 0 warms the JIT, Spark and ND4J up
            Network softmax = Network.softmaxRegression(train.numFeatures(), 10);
            double ours = perIteration(iterations, n -> ourFit(jsc, softmax, train, n));
            double lr = perIteration(iterations, n -> {
                long start = System.nanoTime();
                var m = new LogisticRegression().setFamily("multinomial").setMaxIter(n).setTol(0)
                        .setRegParam(0).setStandardization(false).fit(df);
                return new long[] {System.nanoTime() - start, m.summary().totalIterations()};
            });
            Network mlp = Network.mlp(train.numFeatures(), new int[] {128}, 10);
            double oursMlp = perIteration(iterations, n -> ourFit(jsc, mlp, train, n));
            double sparkMlp = perIteration(iterations, n -> {
                long start = System.nanoTime();
                new MultilayerPerceptronClassifier().setLayers(new int[] {train.numFeatures(), 128, 10})
                        .setSolver("gd").setStepSize(0.03).setMaxIter(n).setTol(0).setSeed(1).fit(df);
                return new long[] {System.nanoTime() - start, n};
            });
            if (round > 0) {
                System.out.printf(Locale.ROOT, "softmax: our full-batch step %.1f ms, Spark ML LogisticRegression "
                        + "iteration %.1f ms, ratio %.2f%n", ours, lr, ours / lr);
                System.out.printf(Locale.ROOT, "mlp 784-128-10: our full-batch step %.1f ms, Spark ML "
                        + "MultilayerPerceptronClassifier iteration %.1f ms, ratio %.2f%n", oursMlp, sparkMlp,
                        oursMlp / sparkMlp);
            }
        }
        spark.stop();
    }

    /** {elapsed ns, iterations} of a fit of at most {@code n} iterations. */
    private interface Fit {
        long[] run(int n);
    }

    private static double perIteration(int iterations, Fit fit) {
        long[] r = fit.run(iterations);
        return r[0] / 1e6 / r[1];
    }

    private static long[] ourFit(JavaSparkContext jsc, Network net, TrainingData train, int steps) {
        long start = System.nanoTime();
        new Trainer(jsc, net, new Adadelta(1.0), new TrainingOptions(steps, 0, 1, 42, 2, true)).fit(train, null);
        return new long[] {System.nanoTime() - start, steps};
    }

    private static Dataset<Row> asDataFrame(SparkSession spark, JavaRDD<DenseBlock> blocks) {
        JavaRDD<Row> rows = blocks.flatMap(b -> {
            List<Row> out = new ArrayList<>(b.rows());
            for (int i = 0; i < b.rows(); i++) {
                double[] x = new double[b.cols()];
                for (int j = 0; j < x.length; j++) {
                    x[j] = b.features()[i * b.cols() + j];
                }
                out.add(RowFactory.create((double) b.labels()[i], Vectors.dense(x)));
            }
            return out.iterator();
        });
        StructType schema = new StructType().add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType());
        return spark.createDataFrame(rows, schema);
    }
}
