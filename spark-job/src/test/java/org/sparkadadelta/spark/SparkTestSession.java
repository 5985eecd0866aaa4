package org.sparkadadelta.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One real local SparkSession ({@code local[2]}) shared by the tests of a JVM: starting Spark takes
 * seconds, so tests share it and must not stop it. UI off, few shuffle partitions, loopback only, and
 * Kryo as the job's configuration uses.
 */
public final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("spark-adadelta-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    // As in conf/spark-defaults.conf: what travels between tasks must survive Kryo.
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
