package org.sparkadadelta.spark.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks and output columns, shared by the estimator (fitting) and the model (transforming). */
final class Schemas {
    private Schemas() {
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
        if (fitting) {
            requireNumeric(schema, p.getLabelCol(), "label");
        }
        featureColumns(schema, p, fitting);
        StructType out = schema.add(predictionField(p.getPredictionCol(), classifier, classes, schema));
        if (classifier && !p.getProbabilityCol().isEmpty()) {
            out = out.add(new StructField(requireAbsent(schema, p.getProbabilityCol(), "probabilityCol"),
                    SQLDataTypes.VectorType(), false, org.apache.spark.sql.types.Metadata.empty()));
        }
        return out;
    }

    /**
     * The numeric feature columns, or an empty list when the features are the vector column. When fitting with
     * neither set, every numeric column except the label.
     */
    static List<String> featureColumns(StructType schema, KerasAdadeltaColumnParams<?> p, boolean fitting) {
        String[] cols = p.getFeatureCols();
        if (cols.length > 0) {
            for (String c : cols) {
                requireNumeric(schema, c, "feature");
            }
            return List.of(cols);
        }
        if (!p.getFeaturesCol().isBlank()) {
            StructField f = require(schema, p.getFeaturesCol(), "features");
            if (!isVectorLike(f.dataType())) {
                throw new IllegalArgumentException("Features column '" + f.name() + "' must be a vector or an array "
                        + "of numbers; got " + f.dataType().simpleString());
            }
            return List.of();
        }
        List<String> numeric = Arrays.stream(schema.fields())
                .filter(f -> f.dataType() instanceof NumericType && !f.name().equals(p.getLabelCol()))
                .map(StructField::name).toList();
        if (!fitting || numeric.isEmpty()) {
            throw new IllegalArgumentException((fitting ? "No numeric feature columns besides label '"
                    + p.getLabelCol() + "'" : "No feature columns: set featuresCol or featureCols")
                    + "; available columns: " + describe(schema));
        }
        return numeric;
    }

    static boolean isVectorLike(DataType t) {
        return t.equals(SQLDataTypes.VectorType()) || t instanceof org.apache.spark.mllib.linalg.VectorUDT
                || t instanceof ArrayType a && a.elementType() instanceof NumericType;
    }

    private static StructField predictionField(String name, boolean classifier, int classes, StructType schema) {
        requireAbsent(schema, name, "predictionCol");
        if (!classifier) {
            return DataTypes.createStructField(name, DataTypes.DoubleType, false);
        }
        NominalAttribute attr = NominalAttribute.defaultAttr().withName(name);
        return (classes > 0 ? attr.withNumValues(classes) : attr).toStructField();
    }

    private static void requireNumeric(StructType schema, String name, String role) {
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

    private static String requireAbsent(StructType schema, String name, String param) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Output column '" + name + "' already exists; set " + param
                    + " to another name");
        }
        return name;
    }

    private static String describe(StructType schema) {
        return Arrays.stream(schema.fields()).map(f -> f.name() + " (" + f.dataType().simpleString() + ")").toList()
                .toString();
    }
}
