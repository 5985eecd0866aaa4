package org.sparkadadelta.spark.data;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * An MNIST-style IDX image/label file pair, read in {@code numPartitions} row slices: tasks get slice
 * numbers, never data, and each reads its own rows. The driver reads only the two headers, so slices are
 * numbered globally from the start.
 */
final class IdxSource implements BlockSource {
    /** {@code <prefix>images<sep>idx3<rest>} names its labels {@code <prefix>labels<sep>idx1<rest>}. */
    private static final Pattern IMAGES_NAME = Pattern.compile("(.*)images([-.])idx3(.*)");

    private final JavaSparkContext sc;
    private final HadoopConf conf;
    private final IdxFile images;
    private final IdxFile labels;
    private final int slices;
    private final String description;

    private IdxSource(JavaSparkContext sc, HadoopConf conf, IdxFile images, IdxFile labels, int slices,
            String description) {
        this.sc = sc;
        this.conf = conf;
        this.images = images;
        this.labels = labels;
        this.slices = slices;
        this.description = description;
    }

    /**
     * @param spec          a directory with option {@code split} ({@code train} by default, or {@code t10k}),
     *                      or the images file
     * @param numPartitions slices to read in, or {@code <= 0} for Spark's default parallelism
     */
    static IdxSource of(SparkSession spark, DataSpec spec, int numPartitions) {
        Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
        List<String> paths = resolve(conf, spec.path(), spec.option("split", "train"));
        IdxFile images = IdxFile.read(conf, paths.get(0), IdxFile.UBYTE_IMAGES);
        IdxFile labels = IdxFile.read(conf, paths.get(1), IdxFile.UBYTE_LABELS);
        if (images.count() != labels.count()) {
            throw new DataValidationException(images.path() + " has " + images.count() + " images but "
                    + labels.path() + " has " + labels.count() + " labels");
        }
        if (spec.numFeatures() > 0 && spec.numFeatures() != images.itemBytes()) {
            throw new DataValidationException(images.path() + " has images of " + images.itemBytes()
                    + " pixels, expected numFeatures " + spec.numFeatures());
        }
        int slices = numPartitions > 0 ? numPartitions : spark.sparkContext().defaultParallelism();
        slices = Math.max(1, Math.min(slices, images.count()));
        return new IdxSource(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                new HadoopConf(spark.sparkContext(), conf), images, labels, slices, spec.describe());
    }

    /** The images and labels files: by split in a directory, or the labels named after a given images file. */
    static List<String> resolve(Configuration conf, String path, String split) {
        HadoopFiles.requireExists(conf, path);
        if (HadoopFiles.isDirectory(conf, path)) {
            return List.of(existing(conf, new Path(path, split + "-images-idx3-ubyte").toString()),
                    existing(conf, new Path(path, split + "-labels-idx1-ubyte").toString()));
        }
        Path images = new Path(path);
        Matcher m = IMAGES_NAME.matcher(images.getName());
        if (!m.matches()) {
            throw new DataValidationException("Cannot tell the labels file of " + path
                    + ": expected an images file named like train-images-idx3-ubyte[.gz], or a directory");
        }
        String labels = m.group(1) + "labels" + m.group(2) + "idx1" + m.group(3).replaceFirst("\\.gz$", "");
        return List.of(path, existing(conf, new Path(images.getParent(), labels).toString()));
    }

    /** The file, or else the same name with {@code .gz}. */
    private static String existing(Configuration conf, String plain) {
        if (HadoopFiles.exists(conf, plain)) {
            return plain;
        }
        if (HadoopFiles.exists(conf, plain + ".gz")) {
            return plain + ".gz";
        }
        throw new DataValidationException("No such file or directory: " + plain + " (nor " + plain + ".gz)");
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean globallyNumbered() {
        return true;
    }

    @Override
    public JavaRDD<DenseBlock> blocks(int blockRows) {
        long[] bounds = RowRangeRepartition.bounds(images.count(), slices);
        HadoopConf c = conf;
        IdxFile img = images;
        IdxFile lab = labels;
        return sc.parallelize(IntStream.range(0, slices).boxed().toList(), slices).mapPartitions(it -> {
            int slice = it.next();
            IdxSliceCursor cursor = TaskCleanup.closeAtTaskEnd(
                    IdxSliceCursor.open(c.get(), img, lab, bounds[slice], bounds[slice + 1]));
            return new BlockIterator(cursor, blockRows, img.itemBytes(), bounds[slice]);
        }, true);
    }
}
