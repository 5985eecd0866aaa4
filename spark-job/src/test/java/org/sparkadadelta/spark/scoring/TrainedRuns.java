package org.sparkadadelta.spark.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.cli.ConfigTree;
import org.sparkadadelta.spark.cli.JobConfig;
import org.sparkadadelta.spark.cli.TrainingJob;
import org.sparkadadelta.spark.train.TrainingResult;
import scala.jdk.javaapi.CollectionConverters;

/** Real job outputs to score: the training job run on a small Parquet file of Gaussian blobs. */
public final class TrainedRuns {
    public static final SparkSession SPARK = SparkTestSession.get();
    public static final int FEATURES = 3;
    public static final int ROWS = 240;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished run: its output directory and what the job returned. */
    public record Run(Path output, TrainingResult result) {
    }

    private TrainedRuns() {
    }

    /**
     * Columns {@code label} (double: the blob, 0..2; for linear, a linear function of the features),
     * {@code features} (array of floats) and {@code f0..f2} (the same features as doubles), in 3 partitions.
     */
    public static Dataset<Row> blobs(boolean regression, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            int c = random.nextInt(3);
            float[] x = new float[FEATURES];
            List<Float> list = new ArrayList<>();
            for (int j = 0; j < FEATURES; j++) {
                x[j] = (float) (random.nextGaussian() * 0.6 + (j == c ? 2.5 : 0));
                list.add(x[j]);
            }
            double label = regression ? 2 * x[0] - x[1] + 0.5 : c;
            rows.add(RowFactory.create(label, CollectionConverters.asScala(list).toSeq(), (double) x[0], (double) x[1], (double) x[2]));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("f0", DataTypes.DoubleType).add("f1", DataTypes.DoubleType).add("f2", DataTypes.DoubleType);
        return SPARK.createDataFrame(JavaSparkContext.fromSparkContext(SPARK.sparkContext()).parallelize(rows, 3),
                schema);
    }

    /** Writes {@link #blobs} to {@code dir/name.parquet}. */
    public static Path parquet(Path dir, String name, boolean regression) {
        Path file = dir.resolve(name + ".parquet");
        blobs(regression, 11).write().parquet(file.toString());
        return file;
    }

    /** Trains a {@code type} model (hidden [6] for mlp) on {@code data} for 3 epochs; the test set is the same. */
    public static Run train(Path data, Path output, String type) throws Exception {
        String spec = "{\"format\": \"parquet\", \"path\": \"" + data + "\", \"features_col\": \"features\"}";
        ObjectNode config = (ObjectNode) JSON.readTree("{\"name\": \"scoring-" + type + "\","
                + "\"data\": {\"train\": " + spec + ", \"test\": " + spec + ", \"partitions\": 2, \"block_rows\": 64},"
                + "\"model\": {\"type\": \"" + type + "\"" + (type.equals("mlp") ? ", \"hidden\": [6]" : "")
                + (type.equals("mlp") || type.equals("softmax") ? ", \"classes\": 3" : "") + "},"
                + "\"training\": {\"epochs\": 3, \"batch_size\": 40},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0, \"epsilon\": 1e-3}},"
                + "\"output\": {\"path\": \"" + output + "\"}}");
        TrainingResult result = new TrainingJob(SPARK, JobConfig.from(ConfigTree.fromNode(config, List.of())),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
        return new Run(output, result);
    }
}
