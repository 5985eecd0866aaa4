package org.sparkadadelta.spark.ml;

import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.CallbackConfig;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.data.LabelSummary;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.data.ValidationSplit;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.ModelType;
import org.sparkadadelta.spark.train.Trainer;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * Trains a dense network with a Keras optimizer (Keras's {@code Adadelta(learning_rate=1.0)} unless told) on
 * Spark, as a spark.ml stage: {@code fit} loads the DataFrame into cached blocks with {@link DataLoader}, trains
 * with a fresh optimizer built from the {@code optimizer} JSON, and returns a {@link KerasAdadeltaModel}.
 *
 * <pre>{@code
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {
 *         new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("features"),
 *         new KerasAdadeltaEstimator().setModelType("mlp").setHidden(new int[] {256}).setEpochs(5)});
 * }</pre>
 */
public final class KerasAdadeltaEstimator extends Estimator<KerasAdadeltaModel>
        implements KerasAdadeltaColumnParams<KerasAdadeltaEstimator>, KerasAdadeltaTrainingParams,
        DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final DefaultParamsReadable<KerasAdadeltaEstimator> READABLE = new DefaultParamsReadable<>() {
    };

    private final String uid;
    private final Columns columns;
    private final Training training;

    public KerasAdadeltaEstimator() {
        this(Identifiable.randomUID("kerasAdadelta"));
    }

    public KerasAdadeltaEstimator(String uid) {
        this.uid = uid;
        this.columns = new Columns(this);
        this.training = new Training(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Columns columns() {
        return columns;
    }

    @Override
    public Training training() {
        return training;
    }

    public KerasAdadeltaEstimator setModelType(String value) {
        return with(modelType(), value);
    }

    public KerasAdadeltaEstimator setHidden(int[] value) {
        return with(hidden(), value.clone());
    }

    /** 0 infers the class count from the labels (the largest + 1) for softmax and mlp models. */
    public KerasAdadeltaEstimator setNumClasses(int value) {
        return with(numClasses(), value);
    }

    public KerasAdadeltaEstimator setEpochs(int value) {
        return with(epochs(), value);
    }

    /** Rows per step; 0 for full batch. */
    public KerasAdadeltaEstimator setBatchSize(long value) {
        return with(batchSize(), value);
    }

    public KerasAdadeltaEstimator setShuffleSeed(long value) {
        return with(shuffleSeed(), value);
    }

    public KerasAdadeltaEstimator setModelSeed(long value) {
        return with(modelSeed(), value);
    }

    public KerasAdadeltaEstimator setTreeDepth(int value) {
        return with(treeDepth(), value);
    }

    /** {@code tensor_ops} (default) or {@code fused}: how Adadelta's update runs on the driver, same bits. */
    public KerasAdadeltaEstimator setUpdateKernel(String value) {
        return with(updateKernel(), value);
    }

    public KerasAdadeltaEstimator setStopOnDivergence(boolean value) {
        return with(stopOnDivergence(), value);
    }

    /** The JSON of {@code keras.optimizers.serialize(optimizer)}, e.g. an Adadelta with a schedule. */
    public KerasAdadeltaEstimator setOptimizer(String kerasJson) {
        return with(optimizer(), kerasJson);
    }

    /** Partitions of the cached training data; 0 keeps the DataFrame's. */
    public KerasAdadeltaEstimator setNumPartitions(int value) {
        return with(numPartitions(), value);
    }

    public KerasAdadeltaEstimator setBlockRows(int value) {
        return with(blockRows(), value);
    }

    /**
     * Keras callbacks in Keras's serialized form, a JSON list, e.g.
     * {@code [{"class_name": "EarlyStopping", "config": {"monitor": "val_loss", "patience": 3}}]}.
     */
    public KerasAdadeltaEstimator setCallbacks(String kerasJsonList) {
        return with(callbacks(), kerasJsonList);
    }

    /** Keras's {@code validation_split}: the last rows held out for validation (0: none). */
    public KerasAdadeltaEstimator setValidationSplit(double value) {
        return with(validationSplit(), value);
    }

    private <T> KerasAdadeltaEstimator with(org.apache.spark.ml.param.Param<T> param, T value) {
        set(param, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ModelType type = ModelType.parse(getModelType());
        int classes = type == ModelType.LOGISTIC ? 2 : type == ModelType.LINEAR ? 0 : getNumClasses();
        return Schemas.withOutputs(schema, this, true, type != ModelType.LINEAR, classes);
    }

    @Override
    public KerasAdadeltaModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        List<String> featureCols = Schemas.featureColumns(dataset.schema(), this, true);
        Optimizer optimizer = newOptimizer();
        Dataset<Row> df = dataset.toDF();
        List<Callback> callbacks = newCallbacks();
        TrainingData all = DataLoader.fromDataset(df, featureCols.isEmpty() ? getFeaturesCol() : null, featureCols,
                getLabelCol(), getNumPartitions(), getBlockRows(), "the DataFrame given to " + uid);
        ValidationSplit split = getValidationSplit() > 0 ? ValidationSplit.of(all, getValidationSplit()) : null;
        TrainingData data = split == null ? all : split.train();
        try {
            ModelType type = ModelType.parse(getModelType());
            ModelSpec spec = new ModelSpec(type, type.takesHidden() ? getHidden() : null, classes(data.labels()));
            Trainer trainer = new Trainer(JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()),
                    spec.build(data.numFeatures()), optimizer, trainingOptions());
            callbacks.forEach(trainer::addCallback);
            TrainingResult r = trainer.fit(data, split == null ? null : split.validation());
            KerasAdadeltaModel model = copyValues(KerasAdadeltaModel.of(uid, spec, r), ParamMap.empty());
            if (!featureCols.isEmpty()) { // the columns chosen now, so that transform reads the same ones
                model.setFeatureCols(featureCols.toArray(String[]::new));
            }
            return model.setParent(this);
        } finally {
            data.blocks().unpersist(false);
            if (split != null) {
                split.validation().blocks().unpersist(false);
            }
        }
    }

    private List<Callback> newCallbacks() {
        try {
            List<Callback> out = new java.util.ArrayList<>();
            for (Object c : new com.fasterxml.jackson.databind.ObjectMapper().readValue(getCallbacks(), List.class)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) c;
                out.add(CallbackConfig.deserialize(config, Map.of()));
            }
            return out;
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new IllegalArgumentException("Param callbacks of " + uid + ": " + e.getMessage(), e);
        }
    }

    private Optimizer newOptimizer() {
        try {
            return Adadelta.UpdateKernel.named(getUpdateKernel()).whileCreating(
                    () -> OptimizerSerialization.deserialize(KerasJson.parse(getOptimizer())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Param optimizer of " + uid + ": " + e.getMessage(), e);
        }
    }

    /** The class count for softmax and mlp models (0 otherwise): as set, or the largest label + 1. */
    private int classes(LabelSummary labels) {
        ModelType type = ModelType.parse(getModelType());
        if (!type.takesClasses()) {
            return 0;
        }
        if (getNumClasses() > 0) {
            return getNumClasses();
        }
        if (!labels.allIntegral() || labels.min() < 0) {
            throw new IllegalArgumentException("A " + type + " model needs class indices 0, 1, ... as labels, but "
                    + "label column '" + getLabelCol() + "' has " + labels + " (for regression, use modelType "
                    + "linear)");
        }
        return (int) Math.max(2, labels.max() + 1);
    }

    @Override
    public KerasAdadeltaEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<KerasAdadeltaEstimator> read() {
        return READABLE.read();
    }

    public static KerasAdadeltaEstimator load(String path) {
        return read().load(path);
    }
}
