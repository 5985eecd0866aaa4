package org.sparkadadelta.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which columns hold the label and the features, by the rules of {@link DataSpec} (explicit feature columns,
 * else the vector column, else every numeric column but the label), for any schema: DataFrames and Arrow
 * files describe their columns as {@link Column}s and get the same choices and messages.
 *
 * @param label    the label column (numeric)
 * @param features the feature columns: one vector column when {@code vector}, else numeric columns
 * @param vector   whether the features are one vector (or list) column
 */
record ColumnChoice(String label, List<String> features, boolean vector) implements Serializable {

    enum Category { NUMBER, VECTOR, OTHER }

    /** A column as the rules see it: its name, what it can be used for, and its type for messages. */
    record Column(String name, Category category, String type) {
    }

    static ColumnChoice choose(List<Column> columns, String featuresCol, List<String> featureCols, String labelCol,
            String source) {
        String label = require(columns, labelCol, Category.NUMBER, source).name();
        if (featureCols.isEmpty() && featuresCol != null && !featuresCol.isBlank()) {
            return new ColumnChoice(label, List.of(require(columns, featuresCol, Category.VECTOR, source).name()), true);
        }
        List<String> features = new ArrayList<>();
        if (featureCols.isEmpty()) {
            columns.stream().filter(c -> c.category() == Category.NUMBER && !c.name().equals(label))
                    .forEach(c -> features.add(c.name()));
            if (features.isEmpty()) {
                throw new DataValidationException("No numeric feature columns in " + source + " besides label '"
                        + label + "'; available columns: " + describe(columns));
            }
        }
        for (String c : featureCols) {
            features.add(require(columns, c, Category.NUMBER, source).name());
        }
        return new ColumnChoice(label, features, false);
    }

    /** How messages name feature {@code index}: {@code 'x2'} for a numeric column, {@code 3 of 'features'}. */
    String featureName(int index) {
        return vector ? index + " of '" + features.get(0) + "'" : "'" + features.get(index) + "'";
    }

    private static Column require(List<Column> columns, String name, Category category, String source) {
        Column c = columns.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(
                () -> new DataValidationException("Column '" + name + "' not found in " + source
                        + "; available columns: " + describe(columns)));
        if (c.category() != category) {
            String expected = category == Category.NUMBER ? "numeric" : "a vector or a list of numbers";
            throw new DataValidationException("Column '" + name + "' in " + source + " must be " + expected
                    + "; got " + c.type());
        }
        return c;
    }

    private static String describe(List<Column> columns) {
        return columns.stream().map(c -> c.name() + " (" + c.type() + ")").toList().toString();
    }
}
