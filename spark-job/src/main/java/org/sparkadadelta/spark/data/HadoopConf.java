package org.sparkadadelta.spark.data;

import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The driver's Hadoop configuration, shipped to tasks so they open files with the same file systems and
 * credentials settings ({@code spark.hadoop.*}) as Spark's own readers.
 *
 * <p>Broadcast once, as Spark's own file readers do, rather than serialized into the source RDD: the cached
 * training blocks keep that RDD in their lineage, which travels with every training step's task binary, and
 * writing and re-parsing the whole configuration there cost about 15 ms per step (a broadcast is fetched once
 * per executor JVM).
 */
final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 2L;

    private final Broadcast<SerializableConfiguration> shared;

    HadoopConf(SparkContext sc, Configuration conf) {
        this.shared = SerializableConfiguration.broadcast(sc, conf);
    }

    Configuration get() {
        return shared.value().value();
    }
}
