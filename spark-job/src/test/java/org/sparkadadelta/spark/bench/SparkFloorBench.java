package org.sparkadadelta.spark.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparkadadelta.spark.data.DenseBlock;
import scala.reflect.ClassTag$;

/**
 * Where Spark's fixed per-step cost goes, piece by piece, in one JVM ({@code local[2]}, Fashion-MNIST's training
 * images cached in 2 partitions as the job caches them, d = 203,530 floats as the 784-256-10 MLP): an empty job,
 * a job over the cached blocks (their lineage travels in every task binary) and over the same blocks with the
 * lineage cut, a broadcast alone, d floats back from each task, and the whole no-op step through
 * {@code treeAggregate} and through one {@code runJob} with a named task function. Milliseconds per job, rounds
 * after a warm-up round.
 *
 * <p>Run: {@code BENCH_MAIN=SparkFloorBench bin/bench-step [jobs per figure] [rounds]}.
 */
public final class SparkFloorBench {
    private static final int D = 203_530;

    private SparkFloorBench() {
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        SparkSession spark = BenchSpark.session("spark-floor-bench");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DenseBlock> blocks = BenchSpark.fashionMnistTrain(spark).blocks();
        JavaRDD<Integer> two = jsc.parallelize(List.of(1, 2), 2).cache();
        two.count();
        JavaRDD<DenseBlock> cut = blocks.mapPartitions(it -> it, true);
        cut.persist(StorageLevel.MEMORY_AND_DISK());
        cut.rdd().localCheckpoint();
        cut.count();

        Map<String, Runnable> figures = new LinkedHashMap<>();
        figures.put("empty job over 2 cached partitions", () -> two.foreachPartition(it -> { }));
        figures.put("tiny result over the cached blocks", () -> blocks.mapPartitions(it -> List.of(1).iterator())
                .collect());
        figures.put("tiny result, the blocks' lineage cut", () -> cut.mapPartitions(it -> List.of(1).iterator())
                .collect());
        figures.put("broadcast of d floats alone (and destroy)", () -> jsc.broadcast(new float[D]).destroy());
        figures.put("d floats back per task, collect", () -> two.mapPartitions(it -> List.of(new float[D]).iterator())
                .collect());
        figures.put("no-op step: broadcast + treeAggregate", () -> {
            Broadcast<float[]> bc = jsc.broadcast(new float[D]);
            blocks.mapPartitions(it -> List.of(new float[bc.value().length]).iterator())
                    .treeAggregate(new float[0], (a, b) -> b, (a, b) -> b, 2);
            bc.destroy();
        });
        figures.put("no-op step: broadcast + one runJob", () -> {
            Broadcast<float[]> bc = jsc.broadcast(new float[D]);
            jsc.sc().runJob(blocks.rdd(), new BenchSpark.NoopTask(bc), ClassTag$.MODULE$.apply(float[].class));
            bc.destroy();
        });
        for (int round = 0; round < rounds; round++) { // round 0 warms the JIT and Spark up
            for (Map.Entry<String, Runnable> f : figures.entrySet()) {
                long start = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    f.getValue().run();
                }
                if (round > 0) {
                    System.out.printf(Locale.ROOT, "round %d  %-45s %7.2f ms%n", round, f.getKey(),
                            (System.nanoTime() - start) / 1e6 / jobs);
                }
            }
        }
        spark.stop();
    }
}
