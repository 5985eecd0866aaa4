package org.sparkadadelta.spark.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.model.ModelType;
import org.sparkadadelta.spark.train.TrainingOptions;

/**
 * What {@link KerasAdadeltaEstimator} trains and how: the model, the training options and the Keras optimizer
 * config, with the job config's meanings and defaults ({@link TrainingOptions#DEFAULTS}).
 */
public interface KerasAdadeltaTrainingParams extends Params {
    /** {@code keras.optimizers.serialize(keras.optimizers.Adadelta(learning_rate=1.0))}. */
    String DEFAULT_OPTIMIZER = "{\"module\": \"keras.optimizers\", \"class_name\": \"Adadelta\", \"config\": "
            + "{\"name\": \"adadelta\", \"learning_rate\": 1.0, \"weight_decay\": null, \"clipnorm\": null, "
            + "\"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, "
            + "\"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, "
            + "\"gradient_accumulation_steps\": null, \"rho\": 0.95, \"epsilon\": 1e-07}, \"registered_name\": null}";

    Training training();

    default Param<String> modelType() {
        return training().modelType;
    }

    default IntArrayParam hidden() {
        return training().hidden;
    }

    default IntParam numClasses() {
        return training().numClasses;
    }

    default IntParam epochs() {
        return training().epochs;
    }

    default LongParam batchSize() {
        return training().batchSize;
    }

    default LongParam shuffleSeed() {
        return training().shuffleSeed;
    }

    default LongParam modelSeed() {
        return training().modelSeed;
    }

    default IntParam treeDepth() {
        return training().treeDepth;
    }

    default Param<String> updateKernel() {
        return training().updateKernel;
    }

    default BooleanParam stopOnDivergence() {
        return training().stopOnDivergence;
    }

    default Param<String> optimizer() {
        return training().optimizer;
    }

    default IntParam numPartitions() {
        return training().numPartitions;
    }

    default Param<String> callbacks() {
        return training().callbacks;
    }

    default DoubleParam validationSplit() {
        return training().validationSplit;
    }

    default String getCallbacks() {
        return getOrDefault(callbacks());
    }

    default double getValidationSplit() {
        return (Double) getOrDefault(validationSplit());
    }

    default IntParam blockRows() {
        return training().blockRows;
    }

    default String getModelType() {
        return getOrDefault(modelType());
    }

    default int[] getHidden() {
        return getOrDefault(hidden()).clone();
    }

    default int getNumClasses() {
        return (Integer) getOrDefault(numClasses());
    }

    default int getEpochs() {
        return (Integer) getOrDefault(epochs());
    }

    default long getBatchSize() {
        return (Long) getOrDefault(batchSize());
    }

    default long getShuffleSeed() {
        return (Long) getOrDefault(shuffleSeed());
    }

    default long getModelSeed() {
        return (Long) getOrDefault(modelSeed());
    }

    default int getTreeDepth() {
        return (Integer) getOrDefault(treeDepth());
    }

    default String getUpdateKernel() {
        return getOrDefault(updateKernel());
    }

    default boolean getStopOnDivergence() {
        return (Boolean) getOrDefault(stopOnDivergence());
    }

    default String getOptimizer() {
        return getOrDefault(optimizer());
    }

    default int getNumPartitions() {
        return (Integer) getOrDefault(numPartitions());
    }

    default int getBlockRows() {
        return (Integer) getOrDefault(blockRows());
    }

    /** The training options these params describe. */
    default TrainingOptions trainingOptions() {
        return new TrainingOptions(getEpochs(), getBatchSize(), getShuffleSeed(), getModelSeed(), getTreeDepth(),
                getStopOnDivergence());
    }

    /** The training Param objects of one stage, with their defaults set on it. */
    final class Training implements Serializable {
        private static final long serialVersionUID = 1L;

        final Param<String> modelType;
        final IntArrayParam hidden;
        final IntParam numClasses;
        final IntParam epochs;
        final LongParam batchSize;
        final LongParam shuffleSeed;
        final LongParam modelSeed;
        final IntParam treeDepth;
        final Param<String> updateKernel;
        final BooleanParam stopOnDivergence;
        final Param<String> optimizer;
        final IntParam numPartitions;
        final IntParam blockRows;
        final Param<String> callbacks;
        final DoubleParam validationSplit;

        Training(Params owner) {
            TrainingOptions d = TrainingOptions.DEFAULTS;
            modelType = new Param<>(owner, "modelType", "linear (MSE), logistic (binary cross-entropy), softmax or "
                    + "mlp (sparse categorical cross-entropy)", ParamValidators.inArray(
                            ModelType.configNames()));
            hidden = new IntArrayParam(owner, "hidden", "ReLU hidden layer widths of an mlp",
                    Validators.positiveWidths());
            numClasses = new IntParam(owner, "numClasses",
                    "classes of a softmax or mlp model (0: the largest label + 1)", Validators.classCount());
            epochs = new IntParam(owner, "epochs", "passes over the data", ParamValidators.gt(0));
            batchSize = new LongParam(owner, "batchSize", "rows per optimizer step (0: full batch)",
                    ParamValidators.gtEq(0));
            shuffleSeed = new LongParam(owner, "shuffleSeed", "seed of the per-epoch shuffles");
            modelSeed = new LongParam(owner, "modelSeed", "seed of the Glorot-uniform initialisation");
            treeDepth = new IntParam(owner, "treeDepth", "depth of the gradient treeAggregate",
                    ParamValidators.gtEq(1));
            updateKernel = new Param<>(owner, "updateKernel", "how Adadelta's update runs on the driver: tensor_ops "
                    + "(ND4J's ops) or fused (one Java loop); the same bits", ParamValidators.inArray(
                            java.util.Arrays.stream(Adadelta.UpdateKernel.values())
                                    .map(Adadelta.UpdateKernel::configName).toArray(String[]::new)));
            stopOnDivergence = new BooleanParam(owner, "stopOnDivergence",
                    "fail when the loss becomes NaN or infinite (Keras goes on)");
            optimizer = new Param<>(owner, "optimizer", "the optimizer as Keras serializes it "
                    + "(keras.optimizers.serialize), as JSON", Validators.kerasObjectJson());
            numPartitions = new IntParam(owner, "numPartitions", "partitions of the cached training data "
                    + "(0: keep the input's)", ParamValidators.gtEq(0));
            blockRows = new IntParam(owner, "blockRows", "rows per cached block", ParamValidators.gt(0));
            callbacks = new Param<>(owner, "callbacks", "Keras callbacks as Keras serializes them, a JSON list of "
                    + "{\"class_name\": ..., \"config\": {...}}: EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, "
                    + "CSVLogger", Validators.jsonObjectList());
            validationSplit = new DoubleParam(owner, "validationSplit", "the fraction of the last rows held out for "
                    + "validation, as Keras's validation_split", ParamValidators.inRange(0, 1, true, false));
            owner.setDefault(callbacks, "[]");
            owner.setDefault(validationSplit, 0.0);
            owner.setDefault(modelType, ModelType.MLP.configName());
            owner.setDefault(hidden, new int[] {64});
            owner.setDefault(numClasses, 0);
            owner.setDefault(epochs, d.epochs());
            owner.setDefault(batchSize, d.batchSize());
            owner.setDefault(shuffleSeed, d.shuffleSeed());
            owner.setDefault(modelSeed, d.modelSeed());
            owner.setDefault(treeDepth, d.treeDepth());
            owner.setDefault(updateKernel, Adadelta.UpdateKernel.TENSOR_OPS.configName());
            owner.setDefault(stopOnDivergence, d.stopOnDivergence());
            owner.setDefault(optimizer, DEFAULT_OPTIMIZER);
            owner.setDefault(numPartitions, 0);
            owner.setDefault(blockRows, DataLoader.DEFAULT_BLOCK_ROWS);
        }
    }
}
