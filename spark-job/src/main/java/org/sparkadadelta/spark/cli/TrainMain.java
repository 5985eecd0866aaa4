package org.sparkadadelta.spark.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spark-submit --class org.sparkadadelta.spark.cli.TrainMain spark-job.jar CONFIG.json [key.path=value ...]}
 *
 * <p>Reads and validates the whole configuration before starting Spark; exits 2 on a bad command line or
 * configuration, 1 when the run fails, 0 when the outputs were written.
 */
public final class TrainMain {
    private TrainMain() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage());
            System.exit(args.length == 0 ? 2 : 0);
        }
        List<String> rest = new java.util.ArrayList<>(List.of(args).subList(1, args.length));
        boolean resume = rest.remove("--resume");
        JobConfig config;
        try {
            config = JobConfig.load(Path.of(args[0]), rest);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = session(config);
        int status = 0;
        try {
            new TrainingJob(spark, config, System.out).run(resume);
        } catch (Exception e) { // also Spark's SparkException, checked but undeclared
            status = RunFailures.report(e, System.err);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    static SparkSession session(JobConfig config) {
        return SparkSession.builder().config(sparkConf(config)).getOrCreate();
    }

    /**
     * The job's Spark settings: spark-submit's (and the JVM's {@code spark.*} properties) first, so that its
     * {@code --master} wins over the config's {@code spark.master}; then the config's {@code spark.conf}.
     */
    static SparkConf sparkConf(JobConfig config) {
        SparkConf conf = new SparkConf().setAppName(config.name());
        if (!conf.contains("spark.master")) {
            conf.setMaster(config.sparkMaster());
        }
        for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        if (conf.get("spark.master").startsWith("local")) {
            // Local mode talks only to itself: stay on loopback whatever the host name resolves to.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    static String usage() {
        return String.join("\n",
                "usage: bin/spark-adadelta CONFIG.json [--resume] [key.path=value ...]",
                "",
                "Trains a model with Keras's Adadelta on Spark, as configured in CONFIG.json (see conf/).",
                "Overrides replace config values; a value is parsed as JSON when it is valid JSON:",
                "  training.epochs=3  output.path=/tmp/run  output.overwrite=true  model.hidden=[512,128]",
                "  optimizer.config.learning_rate=0.5  spark.master=local[2]",
                "--resume continues from the newest valid checkpoint under checkpoint.path",
                "(set checkpoint.path, checkpoint.every_steps and checkpoint.keep to write checkpoints).");
    }
}
