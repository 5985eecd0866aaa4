package org.sparkadadelta.spark.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
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
        if (args.length > 0 && args[0].equals(PredictCommand.NAME)) {
            PredictCommand.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
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

    /** Set by bin/spark-adadelta when spark-submit got no master: its {@code local[*]} is only its default. */
    static final String DEFAULT_MASTER_MARK = "spark.adadelta.launcher.defaultMaster";
    /** Set by bin/spark-adadelta when it put the driver on loopback ({@code SPARK_LOCAL_IP=127.0.0.1}). */
    static final String LOOPBACK_MARK = "spark.adadelta.launcher.loopback";

    static SparkSession session(JobConfig config) {
        return session(config.name(), config.sparkMaster(), config.sparkConf());
    }

    /** The session of a run named {@code name}, with the config's master and Spark settings (see {@link #sparkConf}). */
    static SparkSession session(String name, String master, Map<String, String> settings) {
        String sparkLocalIp = System.getenv("SPARK_LOCAL_IP");
        SparkConf submitted = new SparkConf();
        boolean uiChosen = submitted.contains("spark.ui.enabled") || settings.containsKey("spark.ui.enabled");
        SparkSession spark = SparkSession.builder().config(sparkConf(name, master, settings, submitted, sparkLocalIp))
                .getOrCreate();
        SparkContext sc = spark.sparkContext();
        String ui = sc.uiWebUrl().isDefined() ? sc.uiWebUrl().get() : uiChosen ? "off"
                : "off (in local mode it would listen beyond loopback: set SPARK_LOCAL_IP=127.0.0.1 to have it)";
        System.out.println("Spark " + sc.version() + ", master " + sc.master() + ", web UI " + ui);
        return spark;
    }

    /**
     * The job's Spark settings: spark-submit's ({@code submitted}: the JVM's {@code spark.*} properties) first,
     * so that a master given to spark-submit wins over the config's {@code spark.master}, unless the launcher
     * marked it as spark-submit's default; then the config's {@code spark.conf}.
     *
     * <p>Local mode stays on loopback: the driver's RPC by Spark settings, its web UI only through the
     * environment variable {@code SPARK_LOCAL_IP} ({@code sparkLocalIp}), which Spark offers no setting for: without
     * a loopback one the UI would listen on every interface, so it is turned off unless {@code spark.ui.enabled}
     * is set explicitly.
     */
    static SparkConf sparkConf(JobConfig config, SparkConf submitted, String sparkLocalIp) {
        return sparkConf(config.name(), config.sparkMaster(), config.sparkConf(), submitted, sparkLocalIp);
    }

    private static SparkConf sparkConf(String name, String master, Map<String, String> settings, SparkConf submitted,
            String sparkLocalIp) {
        SparkConf conf = submitted.clone().setAppName(name);
        if (!conf.contains("spark.master") || conf.getBoolean(DEFAULT_MASTER_MARK, false)) {
            conf.setMaster(master);
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        boolean loopbackEnv = DriverAddress.isLoopback(sparkLocalIp);
        if (conf.get("spark.master").startsWith("local")) {
            // Local mode talks only to itself: stay on loopback whatever the host name resolves to.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            if (!loopbackEnv) {
                conf.setIfMissing("spark.ui.enabled", "false");
            }
        } else if (loopbackEnv && conf.getBoolean(LOOPBACK_MARK, false)) {
            // The launcher chose loopback before it knew that the config's master is a cluster's, whose executors
            // must reach the driver: advertise this host's address as Spark would (the UI stays on loopback).
            conf.setIfMissing("spark.driver.host", DriverAddress.ofThisHost());
            conf.setIfMissing("spark.driver.bindAddress", "0.0.0.0");
        }
        return conf;
    }

    static String usage() {
        return String.join("\n",
                "usage: bin/spark-adadelta CONFIG.json [--resume] [key.path=value ...]",
                "       " + PredictCommand.USAGE,
                "",
                "Trains a model with Keras's Adadelta on Spark, as configured in CONFIG.json (see conf/).",
                "Overrides replace config values; a value is parsed as JSON when it is valid JSON:",
                "  training.epochs=3  output.path=/tmp/run  output.overwrite=true  model.hidden=[512,128]",
                "  optimizer.config.learning_rate=0.5  spark.master=local[2]",
                "--resume continues from the newest valid checkpoint under checkpoint.path",
                "(set checkpoint.path, checkpoint.every_steps and checkpoint.keep to write checkpoints).");
    }
}
