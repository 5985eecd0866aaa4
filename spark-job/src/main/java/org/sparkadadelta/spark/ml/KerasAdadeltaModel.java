package org.sparkadadelta.spark.ml;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.train.History;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * A network trained by {@link KerasAdadeltaEstimator}. {@link #transform} appends {@code predictionCol} (the
 * class index for classifiers, the value for regression) and, for classifiers with a non-empty
 * {@code probabilityCol}, the class probabilities as a vector. Features are read as when fitting; the label is
 * not needed.
 *
 * <p>Saved with {@link #write()} as Spark's params metadata plus {@code data/model.json} (network, optimizer
 * config, metrics) and {@code data/weights.arrow} (the job's weights format); {@link #load} reads it back, also
 * as a stage of a saved {@code PipelineModel}. The training history is not saved: a loaded model's
 * {@link #history()} is empty.
 */
public final class KerasAdadeltaModel extends Model<KerasAdadeltaModel>
        implements KerasAdadeltaColumnParams<KerasAdadeltaModel>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Columns columns;
    private final ModelSpec spec;
    private final Network network;
    private final float[] weights;
    private final History history;
    private final Map<String, Object> metrics;
    private final String optimizerConfigJson;

    KerasAdadeltaModel(String uid, ModelSpec spec, int numFeatures, float[] weights, History history,
            Map<String, Object> metrics, String optimizerConfigJson) {
        this.uid = uid;
        this.columns = new Columns(this);
        this.spec = spec;
        this.network = spec.build(numFeatures);
        if (weights.length != network.layout().size()) {
            throw new IllegalArgumentException("A " + spec + " model of " + numFeatures + " features has "
                    + network.layout().size() + " parameters; got " + weights.length);
        }
        this.weights = weights.clone();
        this.history = history;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        this.optimizerConfigJson = optimizerConfigJson;
    }

    /**
     * The model of a run trained directly with {@code Trainer} (or {@code TrainingJob}), so that it can score
     * DataFrames and be saved like a fitted estimator's; {@code spec} is the spec its network was built from.
     */
    public static KerasAdadeltaModel of(ModelSpec spec, TrainingResult result) {
        return new KerasAdadeltaModel(Identifiable.randomUID("kerasAdadelta"), spec, result.network().inputs(),
                result.weights(), result.history(), result.metrics(),
                KerasJson.write(OptimizerSerialization.serialize(result.optimizer())));
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Columns columns() {
        return columns;
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

    /** The trained weights, flat in {@code network().layout()} order (Keras's variable order). */
    public float[] weights() {
        return weights.clone();
    }

    /** Per-step and per-epoch losses of the training run; empty for a loaded model. */
    public History history() {
        return history;
    }

    /** The trainer's final metrics ({@code steps}, {@code train_seconds}, {@code final_train_loss}). */
    public Map<String, Object> metrics() {
        return metrics;
    }

    /** The optimizer's Keras config ({@code keras.optimizers.serialize} form), as JSON. */
    public String optimizerConfigJson() {
        return optimizerConfigJson;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return Schemas.withOutputs(schema, this, false, network.classes() > 0, network.classes());
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        FeatureReader reader = FeatureReader.of(df.schema(), Schemas.featureColumns(df.schema(), this, false),
                getFeaturesCol(), network.inputs());
        Forward forward = Forward.of(network);
        boolean withProbability = out.length() == df.schema().length() + 2;
        // One broadcast per transform; executors deserialize it once and share it across their tasks.
        Broadcast<float[]> bc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext())
                .broadcast(weights);
        Dataset<Row> predicted = df.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                new PredictionIterator(rows, reader, forward, bc.value(), withProbability), Encoders.row(out));
        // mapPartitions drops column metadata (ML attributes): put it back with a projection.
        return predicted.select(Arrays.stream(out.fields())
                .map(f -> predicted.col(quoted(f.name())).as(f.name(), f.metadata())).toArray(Column[]::new));
    }

    /** A column reference to exactly {@code name}, even with dots or backticks in it. */
    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public KerasAdadeltaModel copy(ParamMap extra) {
        KerasAdadeltaModel copy = new KerasAdadeltaModel(uid, spec, network.inputs(), weights, history, metrics,
                optimizerConfigJson);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelPersistence.Writer(this);
    }

    /** Spark's writer of this model's params metadata alone, which {@link #write()} extends with the data. */
    MLWriter paramsWriter() {
        return DefaultParamsWritable.super.write();
    }

    public static MLReader<KerasAdadeltaModel> read() {
        return new ModelPersistence.Reader();
    }

    public static KerasAdadeltaModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "KerasAdadeltaModel: uid=" + uid + ", " + spec + ", features=" + network.inputs();
    }
}
