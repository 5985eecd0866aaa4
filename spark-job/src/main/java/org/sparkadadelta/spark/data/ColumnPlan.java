package org.sparkadadelta.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * The DataFrame columns a {@link DatasetRowCursor} reads and how each one's values become floats. Chosen and
 * type-checked on the driver.
 *
 * @param choice  the label and feature columns
 * @param columns the columns in the order the cursor's rows hold them: label first, then the feature(s)
 * @param kinds   how each of {@code columns} is read
 */
record ColumnPlan(ColumnChoice choice, List<String> columns, List<Kind> kinds) implements Serializable {

    /** How a column's values become floats. */
    enum Kind {
        /** Any Spark numeric type: the value is a {@link Number}. */
        NUMBER,
        /** Text to parse as a number (a CSV column holding a non-number, so Spark inferred a string). */
        TEXT,
        /** {@code org.apache.spark.ml.linalg.Vector}. */
        ML_VECTOR,
        /** {@code org.apache.spark.mllib.linalg.Vector}. */
        MLLIB_VECTOR,
        /** An array of numbers. */
        ARRAY
    }

    /**
     * @param parseText whether string columns count as numeric, to be parsed row by row (CSV)
     * @param ignored   columns that are never data (the loader's own: file name, ...)
     */
    static ColumnPlan resolve(StructType schema, String featuresCol, List<String> featureCols, String labelCol,
            boolean parseText, Set<String> ignored, String source) {
        List<ColumnChoice.Column> available = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (!ignored.contains(f.name())) {
                available.add(new ColumnChoice.Column(f.name(), category(f.dataType(), parseText),
                        f.dataType().simpleString()));
            }
        }
        ColumnChoice choice = ColumnChoice.choose(available, featuresCol, featureCols, labelCol, source);
        List<String> columns = new ArrayList<>(List.of(choice.label()));
        columns.addAll(choice.features());
        return new ColumnPlan(choice, columns, columns.stream().map(c -> kind(schema.apply(c).dataType())).toList());
    }

    private static ColumnChoice.Category category(DataType t, boolean parseText) {
        if (t instanceof NumericType || parseText && t instanceof StringType) {
            return ColumnChoice.Category.NUMBER;
        }
        return vectorKind(t) == null ? ColumnChoice.Category.OTHER : ColumnChoice.Category.VECTOR;
    }

    /** How values of a chosen (so usable) column are read. */
    private static Kind kind(DataType t) {
        if (t instanceof NumericType) {
            return Kind.NUMBER;
        }
        return t instanceof StringType ? Kind.TEXT : vectorKind(t);
    }

    /** The kind of a vector or numeric-array type, or null for any other type. */
    private static Kind vectorKind(DataType t) {
        if (t instanceof UserDefinedType<?> u) {
            if (org.apache.spark.ml.linalg.Vector.class.isAssignableFrom(u.userClass())) {
                return Kind.ML_VECTOR;
            }
            if (org.apache.spark.mllib.linalg.Vector.class.isAssignableFrom(u.userClass())) {
                return Kind.MLLIB_VECTOR;
            }
        }
        return t instanceof ArrayType a && a.elementType() instanceof NumericType ? Kind.ARRAY : null;
    }
}
