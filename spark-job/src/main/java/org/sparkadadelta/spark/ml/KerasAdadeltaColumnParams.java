package org.sparkadadelta.spark.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The column params shared by {@link KerasAdadeltaEstimator} and {@link KerasAdadeltaModel}: spark.ml copies
 * params from an estimator to its model by name, so both expose the same ones. Features come from
 * {@code featureCols} (numeric columns) when it is non-empty, else from the vector column {@code featuresCol}
 * ({@code ml} or {@code mllib} vector or array of numbers); a blank {@code featuresCol} with no
 * {@code featureCols} means every numeric column except the label, resolved when fitting.
 *
 * @param <S> the implementing stage, returned by the setters
 */
public interface KerasAdadeltaColumnParams<S extends KerasAdadeltaColumnParams<S>> extends Params {

    /** This stage's column Param objects (spark.ml wants each stage to own Params created with its uid). */
    Columns columns();

    default Param<String> featuresCol() {
        return columns().featuresCol;
    }

    default StringArrayParam featureCols() {
        return columns().featureCols;
    }

    default Param<String> labelCol() {
        return columns().labelCol;
    }

    default Param<String> predictionCol() {
        return columns().predictionCol;
    }

    default Param<String> probabilityCol() {
        return columns().probabilityCol;
    }

    default String getFeaturesCol() {
        return getOrDefault(featuresCol());
    }

    default String[] getFeatureCols() {
        return getOrDefault(featureCols()).clone();
    }

    default String getLabelCol() {
        return getOrDefault(labelCol());
    }

    default String getPredictionCol() {
        return getOrDefault(predictionCol());
    }

    default String getProbabilityCol() {
        return getOrDefault(probabilityCol());
    }

    default S setFeaturesCol(String value) {
        return self(set(featuresCol(), value));
    }

    default S setFeatureCols(String[] value) {
        return self(set(featureCols(), value.clone()));
    }

    default S setLabelCol(String value) {
        return self(set(labelCol(), value));
    }

    default S setPredictionCol(String value) {
        return self(set(predictionCol(), value));
    }

    /** An empty name leaves the probability column out. */
    default S setProbabilityCol(String value) {
        return self(set(probabilityCol(), value));
    }

    @SuppressWarnings("unchecked")
    private S self(Params stage) {
        return (S) stage;
    }

    /** The column Param objects of one stage, with their defaults set on it. */
    final class Columns implements Serializable {
        private static final long serialVersionUID = 1L;

        final Param<String> featuresCol;
        final StringArrayParam featureCols;
        final Param<String> labelCol;
        final Param<String> predictionCol;
        final Param<String> probabilityCol;

        Columns(Params owner) {
            featuresCol = new Param<>(owner, "featuresCol",
                    "features vector column (used when featureCols is empty; blank: all numeric columns but the label)",
                    Validators.notNull());
            featureCols = new StringArrayParam(owner, "featureCols",
                    "numeric feature columns, in order (overrides featuresCol when non-empty)");
            labelCol = new Param<>(owner, "labelCol", "label column (class index or regression target)",
                    Validators.nonBlank());
            predictionCol = new Param<>(owner, "predictionCol", "prediction column", Validators.nonBlank());
            probabilityCol = new Param<>(owner, "probabilityCol",
                    "class probability vector column, for classifiers (empty: none)", Validators.notNull());
            owner.setDefault(featuresCol, "features");
            owner.setDefault(featureCols, new String[0]);
            owner.setDefault(labelCol, "label");
            owner.setDefault(predictionCol, "prediction");
            owner.setDefault(probabilityCol, "probability");
        }
    }
}
