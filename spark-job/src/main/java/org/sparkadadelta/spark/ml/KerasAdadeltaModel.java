package org.sparkadadelta.spark.ml;

import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.scoring.TrainedModel;
import org.sparkadadelta.spark.output.OptimizerState;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * A network trained by {@link KerasAdadeltaEstimator}, or loaded from a job's output directory. {@link #transform}
 * appends {@code predictionCol} (the class index for classifiers, the value for regression) and, for classifiers
 * with a non-empty {@code probabilityCol}, the class probabilities as a vector. Features are read as when
 * fitting; the label is not needed. Scoring is {@link TrainedModel}'s.
 *
 * <p>One model format: {@link #write()} saves the job's output files ({@code weights.arrow}, {@code manifest.json},
 * histories, metrics) plus Spark's params metadata ({@code metadata/}), so a saved model is a job output too, and
 * {@link #load} reads either, also as a stage of a saved {@code PipelineModel}. A loaded model's
 * {@link #history()} is empty.
 */
public final class KerasAdadeltaModel extends Model<KerasAdadeltaModel>
        implements KerasAdadeltaColumnParams<KerasAdadeltaModel>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Columns columns;
    private final TrainedModel model;
    private final History history;

    /** A stage scoring with {@code model}, with default params. */
    public KerasAdadeltaModel(TrainedModel model) {
        this(Identifiable.randomUID("kerasAdadelta"), model, new History());
    }

    KerasAdadeltaModel(String uid, TrainedModel model, History history) {
        this.uid = uid;
        this.columns = new Columns(this);
        this.model = model;
        this.history = history;
    }

    /**
     * The model of a run trained directly with {@code Trainer} (or {@code TrainingJob}), so that it can score
     * DataFrames and be saved like a fitted estimator's; {@code spec} is the spec its network was built from.
     */
    public static KerasAdadeltaModel of(ModelSpec spec, TrainingResult result) {
        return of(Identifiable.randomUID("kerasAdadelta"), spec, result);
    }

    /** The model of a training run under {@code uid}, e.g. the estimator's own. */
    static KerasAdadeltaModel of(String uid, ModelSpec spec, TrainingResult result) {
        return new KerasAdadeltaModel(uid, new TrainedModel(uid, spec, result.network().inputs(), result.weights(),
                OptimizerState.of(result.optimizer()), result.metrics()), result.history());
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Columns columns() {
        return columns;
    }

    /** The trained network and weights, for scoring outside spark.ml. */
    public TrainedModel trainedModel() {
        return model;
    }

    /** The model as configured: type, hidden widths and class count. */
    public ModelSpec modelSpec() {
        return model.modelSpec();
    }

    public Network network() {
        return model.network();
    }

    public int numFeatures() {
        return model.numFeatures();
    }

    /** Number of classes (2 for logistic), or 0 for regression. */
    public int numClasses() {
        return model.numClasses();
    }

    /** The trained weights, flat in {@code network().layout()} order (Keras's variable order). */
    public float[] weights() {
        return model.weights();
    }

    /** Per-step and per-epoch losses of the training run; empty for a loaded model. */
    public History history() {
        return history;
    }

    /** The trainer's final metrics ({@code steps}, {@code train_seconds}, {@code final_train_loss}). */
    public Map<String, Object> metrics() {
        return model.metrics();
    }

    /** The optimizer's Keras config ({@code keras.optimizers.serialize} form), as JSON, or null when not known. */
    public String optimizerConfigJson() {
        return model.optimizer().map(o -> KerasJson.write(o.kerasConfig())).orElse(null);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return model.outputSchema(schema, Schemas.columns(this));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return model.transform(dataset.toDF(), Schemas.columns(this));
    }

    @Override
    public KerasAdadeltaModel copy(ParamMap extra) {
        KerasAdadeltaModel copy = new KerasAdadeltaModel(uid, model, history);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelPersistence.Writer(this);
    }

    public static MLReader<KerasAdadeltaModel> read() {
        return new ModelPersistence.Reader();
    }

    public static KerasAdadeltaModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "KerasAdadeltaModel: uid=" + uid + ", " + model.modelSpec() + ", features=" + model.numFeatures();
    }
}
