package org.sparkadadelta.spark.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkadadelta.spark.scoring.ScoringColumns;

/**
 * The stages' column params as {@link ScoringColumns}, and what fitting adds to their checks: a numeric label,
 * and with neither feature param set, every numeric column but the label as features.
 */
final class Schemas {
    private Schemas() {
    }

    static ScoringColumns columns(KerasAdadeltaColumnParams<?> p) {
        return new ScoringColumns(p.getFeaturesCol(), List.of(p.getFeatureCols()), p.getPredictionCol(),
                p.getProbabilityCol());
    }

    /**
     * Checks the input columns and returns {@code schema} with the output columns added.
     *
     * @param fitting    whether the label column is needed too
     * @param classifier whether to add a probability column and nominal metadata on the prediction
     * @param classes    the class count for the prediction's metadata, or 0 when not known yet
     */
    static StructType withOutputs(StructType schema, KerasAdadeltaColumnParams<?> p, boolean fitting,
            boolean classifier, int classes) {
        if (!fitting) {
            return columns(p).outputSchema(schema, classifier, classes);
        }
        ScoringColumns.requireNumeric(schema, p.getLabelCol(), "label");
        featureColumns(schema, p, true);
        return columns(p).withOutputs(schema, classifier, classes);
    }

    /**
     * The numeric feature columns, or an empty list when the features are the vector column. When fitting with
     * neither set, every numeric column except the label.
     */
    static List<String> featureColumns(StructType schema, KerasAdadeltaColumnParams<?> p, boolean fitting) {
        if (!fitting || p.getFeatureCols().length > 0 || !p.getFeaturesCol().isBlank()) {
            return columns(p).featureColumns(schema);
        }
        List<String> numeric = Arrays.stream(schema.fields())
                .filter(f -> f.dataType() instanceof NumericType && !f.name().equals(p.getLabelCol()))
                .map(StructField::name).toList();
        if (numeric.isEmpty()) {
            throw new IllegalArgumentException("No numeric feature columns besides label '" + p.getLabelCol()
                    + "'; available columns: " + ScoringColumns.describe(schema));
        }
        return numeric;
    }
}
