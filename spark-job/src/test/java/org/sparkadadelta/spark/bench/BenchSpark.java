package org.sparkadadelta.spark.bench;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.data.DataSpec;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import scala.runtime.AbstractFunction2;

/** What the Spark benches share: their session, their data, and the no-op step's task function. */
final class BenchSpark {
    private BenchSpark() {
    }

    /**
     * spark-submit's master (bin/bench-step with BENCH_MASTER) if there is one, else local[2] in this JVM; the
     * job's settings from conf/spark-defaults.conf.
     */
    static SparkSession session(String appName) {
        SparkConf conf = new SparkConf().setAppName(appName).setIfMissing("spark.master", "local[2]")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.broadcast.compress", "false")
                .set("spark.task.maxDirectResultSize", "64m");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** Fashion-MNIST's 60,000 training images from Debian's package, cached in 2 partitions as the job caches them. */
    static TrainingData fashionMnistTrain(SparkSession spark) {
        return DataLoader.load(spark, DataSpec.of("idx", "/usr/share/datasets/fashion-mnist")
                .withOption("split", "train"), 2, 4096);
    }

    /**
     * A no-op step's task for {@code SparkContext.runJob}: one d-float array back, nothing computed. A named class,
     * which Spark's closure cleaner does not parse (as the training step's, train/PartitionJob).
     */
    static final class NoopTask extends AbstractFunction2<TaskContext, scala.collection.Iterator<DenseBlock>, float[]>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Broadcast<float[]> bc;

        NoopTask(Broadcast<float[]> bc) {
            this.bc = bc;
        }

        @Override
        public float[] apply(TaskContext context, scala.collection.Iterator<DenseBlock> blocks) {
            return new float[bc.value().length];
        }
    }
}
