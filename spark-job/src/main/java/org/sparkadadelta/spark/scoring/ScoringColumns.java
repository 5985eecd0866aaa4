package org.sparkadadelta.spark.scoring;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which DataFrame columns scoring reads and writes, as spark.ml classifiers name them. Features come from
 * {@code featureCols} (numeric columns, in order) when it is non-empty, else from the vector column
 * {@code featuresCol} ({@code ml} or {@code mllib} vector, or array of numbers). The outputs are
 * {@code predictionCol} (double: the class index, or the value of a regression) and, for classifiers,
 * {@code probabilityCol} (the class probabilities as a vector; an empty name leaves it out).
 */
public record ScoringColumns(String featuresCol, List<String> featureCols, String predictionCol,
        String probabilityCol) implements Serializable {

    public static final ScoringColumns DEFAULT = new ScoringColumns("features", List.of(), "prediction",
            "probability");

    public ScoringColumns {
        featuresCol = featuresCol == null ? "" : featuresCol;
        featureCols = featureCols == null ? List.of() : List.copyOf(featureCols);
        probabilityCol = probabilityCol == null ? "" : probabilityCol;
        if (predictionCol == null || predictionCol.isBlank()) {
            throw new IllegalArgumentException("The prediction column needs a name");
        }
    }

    public ScoringColumns withFeaturesCol(String name) {
        return new ScoringColumns(name, List.of(), predictionCol, probabilityCol);
    }

    public ScoringColumns withFeatureCols(List<String> names) {
        return new ScoringColumns(featuresCol, names, predictionCol, probabilityCol);
    }

    public ScoringColumns withPredictionCol(String name) {
        return new ScoringColumns(featuresCol, featureCols, name, probabilityCol);
    }

    public ScoringColumns withProbabilityCol(String name) {
        return new ScoringColumns(featuresCol, featureCols, predictionCol, name);
    }

    /**
     * Checks the feature columns and returns {@code schema} with the output columns added.
     *
     * @param classifier whether to add the probability column and nominal metadata on the prediction
     * @param classes    the class count for the prediction's metadata, or 0 when not known yet
     */
    public StructType outputSchema(StructType schema, boolean classifier, int classes) {
        featureColumns(schema);
        return withOutputs(schema, classifier, classes);
    }

    /** {@code schema} with the output columns added (no feature column needed: for scored rows built anew). */
    public StructType withOutputs(StructType schema, boolean classifier, int classes) {
        StructType out = schema.add(predictionField(schema, classifier, classes));
        if (classifier && !probabilityCol.isEmpty()) {
            out = out.add(new StructField(requireAbsent(schema, probabilityCol, "probability"),
                    SQLDataTypes.VectorType(), false, Metadata.empty()));
        }
        return out;
    }

    /** The numeric feature columns, checked, or an empty list when the features are the vector column. */
    public List<String> featureColumns(StructType schema) {
        if (!featureCols.isEmpty()) {
            for (String c : featureCols) {
                requireNumeric(schema, c, "feature");
            }
            return featureCols;
        }
        if (featuresCol.isBlank()) {
            throw new IllegalArgumentException("No feature columns: set featuresCol or featureCols; available "
                    + "columns: " + describe(schema));
        }
        StructField f = require(schema, featuresCol, "features");
        if (!isVectorLike(f.dataType())) {
            throw new IllegalArgumentException("Features column '" + f.name() + "' must be a vector or an array "
                    + "of numbers; got " + f.dataType().simpleString());
        }
        return List.of();
    }

    private static boolean isVectorLike(DataType t) {
        return t.equals(SQLDataTypes.VectorType()) || t instanceof org.apache.spark.mllib.linalg.VectorUDT
                || t instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    private StructField predictionField(StructType schema, boolean classifier, int classes) {
        requireAbsent(schema, predictionCol, "prediction");
        if (!classifier) {
            return DataTypes.createStructField(predictionCol, DataTypes.DoubleType, false);
        }
        NominalAttribute attr = NominalAttribute.defaultAttr().withName(predictionCol);
        return (classes > 0 ? attr.withNumValues(classes) : attr).toStructField();
    }

    /** The numeric column {@code name}, or an error naming its role and the available columns. */
    public static void requireNumeric(StructType schema, String name, String role) {
        StructField f = require(schema, name, role);
        if (!(f.dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("The " + role + " column '" + name + "' must be numeric; got "
                    + f.dataType().simpleString());
        }
    }

    private static StructField require(StructType schema, String name, String role) {
        return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("The " + role + " column '" + name + "' does not exist; available "
                        + "columns: " + describe(schema)));
    }

    private static String requireAbsent(StructType schema, String name, String role) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Output column '" + name + "' already exists; set the " + role
                    + " column to another name");
        }
        return name;
    }

    /** The columns of {@code schema} with their types, for messages. */
    public static String describe(StructType schema) {
        return Arrays.stream(schema.fields()).map(f -> f.name() + " (" + f.dataType().simpleString() + ")").toList()
                .toString();
    }
}
