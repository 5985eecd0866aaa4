package org.sparkadadelta.spark.scoring;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.spark.data.DenseBlock;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.output.OptimizerState;

/**
 * A trained network and its weights, ready to score: loaded from a job's output directory (or a spark.ml
 * model saved by {@code KerasAdadeltaModel}, which has the same files), or made from a training result.
 *
 * <pre>{@code
 * TrainedModel model = TrainedModel.load("runs/fashion-mnist");          // weights.arrow + manifest.json
 * Dataset<Row> scored = model.transform(df);                             // + prediction, probability
 * float[] p = model.predict(pixels);                                     // Keras's predict of one row
 * }</pre>
 *
 * <p>Every prediction goes through {@link Network#predict}, the training code's own forward pass.
 */
public final class TrainedModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final ModelSpec spec;
    private final Network network;
    private final float[] weights;
    private final OptimizerState optimizer;
    private final Map<String, Object> metrics;

    /**
     * @param name      the run's name (manifests, plots)
     * @param weights   flat, in {@code spec.build(numFeatures).layout()} order (Keras's variable order)
     * @param optimizer the optimizer's Keras config and iterations, or null when not known
     * @param metrics   the run's final metrics (JSON values), e.g. {@code test_accuracy}
     */
    public TrainedModel(String name, ModelSpec spec, int numFeatures, float[] weights, OptimizerState optimizer,
            Map<String, Object> metrics) {
        this.name = name;
        this.spec = spec;
        this.network = spec.build(numFeatures);
        if (weights.length != network.layout().size()) {
            throw new IllegalArgumentException("A " + spec + " model of " + numFeatures + " features has "
                    + network.layout().size() + " parameters; got " + weights.length);
        }
        this.weights = weights.clone();
        this.optimizer = optimizer;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * Loads a model from a job's output directory (local path or Hadoop URI), with the active Spark session's
     * Hadoop configuration if there is one, or from a {@code .keras} file.
     *
     * @throws IllegalArgumentException naming the path and the problem: missing, not a model, corrupt, or a
     *                                  model we cannot represent
     */
    public static TrainedModel load(String path) {
        Optional<SparkSession> spark = SparkSession.getActiveSession().isDefined()
                ? Optional.of(SparkSession.getActiveSession().get()) : Optional.empty();
        return load(path, spark.map(s -> s.sparkContext().hadoopConfiguration()).orElseGet(Configuration::new));
    }

    public static TrainedModel load(String path, Configuration conf) {
        if (path.endsWith(KerasModelFile.EXTENSION)) {
            return KerasModelFile.load(path, conf);
        }
        try {
            return RunDirectory.read(new Path(path), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model at " + path + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The model as configured: type, hidden widths and class count. */
    public ModelSpec modelSpec() {
        return spec;
    }

    public Network network() {
        return network;
    }

    public int numFeatures() {
        return network.inputs();
    }

    /** Number of classes (2 for logistic), or 0 for regression. */
    public int numClasses() {
        return network.classes();
    }

    /** The weights, flat in {@code network().layout()} order (Keras's variable order). */
    public float[] weights() {
        return weights.clone();
    }

    /** The optimizer's Keras config and iteration counts, when known. */
    public Optional<OptimizerState> optimizer() {
        return Optional.ofNullable(optimizer);
    }

    /** The run's final metrics ({@code steps}, {@code final_train_loss}, {@code test_accuracy}, ...). */
    public Map<String, Object> metrics() {
        return metrics;
    }

    /**
     * Keras's {@code predict} of one row: the class probabilities (softmax, mlp), the probability of class 1
     * (logistic) or the value (linear), in float32.
     *
     * @throws IllegalArgumentException if {@code features} does not hold {@link #numFeatures()} values
     */
    public float[] predict(float[] features) {
        if (features.length != numFeatures()) {
            throw new IllegalArgumentException("The model expects " + numFeatures() + " features per row; got "
                    + features.length);
        }
        return network.predict(network.weights(weights), features, 1);
    }

    /**
     * Appends {@code prediction} (double: the class index, or the value for regression) and, for classifiers,
     * {@code probability} (vector) to {@code df}, reading the features from the vector (or array) column
     * {@code features}.
     */
    public Dataset<Row> transform(Dataset<Row> df) {
        return transform(df, ScoringColumns.DEFAULT);
    }

    /** As {@link #transform(Dataset)}, with the columns {@code columns} names. */
    public Dataset<Row> transform(Dataset<Row> df, ScoringColumns columns) {
        StructType out = outputSchema(df.schema(), columns);
        FeatureReader reader = FeatureReader.of(df.schema(), columns.featureColumns(df.schema()),
                columns.featuresCol(), numFeatures());
        boolean withProbability = out.length() == df.schema().length() + 2;
        Network net = network;
        Broadcast<float[]> bc = broadcastWeights(df.sparkSession());
        Dataset<Row> predicted = df.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                new PredictionIterator(rows, reader, net, bc.value(), withProbability), Encoders.row(out));
        // mapPartitions drops column metadata (ML attributes): put it back with a projection.
        return predicted.select(java.util.Arrays.stream(out.fields())
                .map(f -> predicted.col(quoted(f.name())).as(f.name(), f.metadata())).toArray(Column[]::new));
    }

    /** {@code schema} with the columns {@link #transform(Dataset, ScoringColumns)} adds. */
    public StructType outputSchema(StructType schema, ScoringColumns columns) {
        return columns.outputSchema(schema, numClasses() > 0, numClasses());
    }

    /**
     * Scores loaded data, in its row order: {@code labelCol} (double, when {@code withLabel}), then
     * {@code prediction} and, for classifiers, {@code probability}.
     *
     * @throws IllegalArgumentException if the data's feature count is not the model's
     */
    public Dataset<Row> score(TrainingData data, boolean withLabel, String labelCol) {
        if (data.numFeatures() != numFeatures()) {
            throw new IllegalArgumentException("The data (" + data.source() + ") has " + data.numFeatures()
                    + " features per row, but the model expects " + numFeatures());
        }
        SparkSession spark = SparkSession.active();
        List<StructField> fields = new ArrayList<>();
        if (withLabel) {
            fields.add(DataTypes.createStructField(labelCol, DataTypes.DoubleType, false));
        }
        StructType schema = ScoringColumns.DEFAULT.withOutputs(new StructType(fields.toArray(StructField[]::new)),
                numClasses() > 0, numClasses());
        Network net = network;
        Broadcast<float[]> bc = broadcastWeights(spark);
        JavaRDD<Row> rows = data.blocks().mapPartitions(blocks -> scoredRows(blocks, net, bc.value(), withLabel));
        return spark.createDataFrame(rows, schema);
    }

    private static Iterator<Row> scoredRows(Iterator<DenseBlock> blocks, Network network, float[] params,
            boolean withLabel) {
        Network.Weights weights = network.weights(params);
        return new Iterator<>() {
            private DenseBlock block;
            private float[] outputs;
            private int next;

            @Override
            public boolean hasNext() {
                while ((block == null || next == block.rows()) && blocks.hasNext()) {
                    block = blocks.next();
                    outputs = network.predict(weights, block.features(), block.rows());
                    next = 0;
                }
                return block != null && next < block.rows();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                int r = next++;
                double[] p = Predictions.probabilities(network, outputs, r);
                List<Object> values = new ArrayList<>(3);
                if (withLabel) {
                    values.add((double) block.labels()[r]);
                }
                values.add(Predictions.prediction(network, outputs, r, p));
                if (p != null) {
                    values.add(Vectors.dense(p));
                }
                return RowFactory.create(values.toArray());
            }
        };
    }

    /** One broadcast per call; executors deserialize it once and share it across their tasks. */
    private Broadcast<float[]> broadcastWeights(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(weights);
    }

    /** A column reference to exactly {@code name}, even with dots or backticks in it. */
    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return "TrainedModel " + name + ": " + spec + ", features=" + numFeatures();
    }
}
