package org.sparkadadelta.spark.data;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Arrow IPC files ({@code *.arrow}, {@code *.arrows}, {@code *.feather}), one partition per file in name
 * order. Only file names are shipped to tasks; each task opens and reads its own file.
 */
final class ArrowSource implements BlockSource {
    private final JavaSparkContext sc;
    private final HadoopConf conf;
    private final List<String> files;
    private final DataSpec spec;

    private ArrowSource(JavaSparkContext sc, HadoopConf conf, List<String> files, DataSpec spec) {
        this.sc = sc;
        this.conf = conf;
        this.files = files;
        this.spec = spec;
    }

    static ArrowSource of(SparkSession spark, DataSpec spec) {
        Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
        List<String> files = HadoopFiles.files(conf, spec.path(),
                name -> name.endsWith(".arrow") || name.endsWith(".arrows") || name.endsWith(".feather"));
        if (files.isEmpty()) {
            throw new DataValidationException("No *.arrow, *.arrows or *.feather files in " + spec.path());
        }
        return new ArrowSource(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                new HadoopConf(spark.sparkContext(), conf), files, spec);
    }

    @Override
    public String description() {
        return spec.describe();
    }

    @Override
    public JavaRDD<DenseBlock> blocks(int blockRows) {
        HadoopConf c = conf;
        String featuresCol = spec.featuresCol();
        List<String> featureCols = spec.featureCols();
        String labelCol = spec.labelCol();
        int numFeatures = spec.numFeatures();
        return sc.parallelize(files, files.size()).mapPartitions(names -> {
            ArrowFileCursor cursor = TaskCleanup.closeAtTaskEnd(
                    ArrowFileCursor.open(c, names.next(), featuresCol, featureCols, labelCol));
            return new BlockIterator(cursor, blockRows, numFeatures, 0);
        }, true);
    }

    @Override
    public String locate(int partition, long globalRow) {
        return files.get(partition) + ": row 1";
    }
}
