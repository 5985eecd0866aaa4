package org.sparkadadelta.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the training data is and how to read it.
 *
 * <p>Features come from, in this order of precedence: the numeric columns listed in {@code featureCols}; the
 * vector (or array) column {@code featuresCol}; or, when both are empty, every numeric column except the
 * label. {@code format=idx} ignores the column settings.
 *
 * @param format      {@code parquet}, {@code csv}, {@code libsvm}, {@code arrow} or {@code idx} (case-insensitive)
 * @param path        a file or directory (or glob, except for IDX): a local path or any Hadoop URI
 *                    ({@code file:///...}, {@code hdfs://...})
 * @param featuresCol the vector column, or null/empty to use numeric columns
 * @param featureCols explicit numeric feature columns, in order; empty for none
 * @param labelCol    the numeric label column ({@code label} when null or empty)
 * @param numFeatures the expected number of features per row, or 0 when not known
 * @param options     reader options: passed to Spark's reader for parquet, csv and libsvm (CSV defaults to
 *                    {@code header=true}, {@code inferSchema=true}; set them to override); {@code split}
 *                    ({@code train} or {@code t10k}) names the file pair in an IDX directory
 * @param weightCol   the numeric column of Keras's sample weights, or null for unweighted rows (parquet, csv)
 */
public record DataSpec(String format, String path, String featuresCol, List<String> featureCols, String labelCol,
        int numFeatures, Map<String, String> options, String weightCol) implements Serializable {

    public static final List<String> FORMATS = List.of("parquet", "csv", "libsvm", "arrow", "idx");
    public static final String DEFAULT_FEATURES_COL = "features";
    public static final String DEFAULT_LABEL_COL = "label";

    public DataSpec {
        format = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new DataValidationException("Unknown data format '" + format + "'; expected one of "
                    + String.join(", ", FORMATS));
        }
        if (path == null || path.isBlank()) {
            throw new DataValidationException("No data path given for " + format + " data");
        }
        featuresCol = featuresCol == null || featuresCol.isBlank() ? null : featuresCol;
        featureCols = featureCols == null ? List.of() : List.copyOf(featureCols);
        labelCol = labelCol == null || labelCol.isBlank() ? DEFAULT_LABEL_COL : labelCol;
        if (numFeatures < 0) {
            throw new DataValidationException("numFeatures must be positive (or 0 for unknown); got " + numFeatures);
        }
        options = options == null ? Map.of() : Map.copyOf(options);
        weightCol = weightCol == null || weightCol.isBlank() ? null : weightCol;
        if (weightCol != null && !List.of("parquet", "csv").contains(format)) {
            throw new DataValidationException("A weight column needs parquet or csv data (columns by name); " + format
                    + " data has none");
        }
    }

    /** Without a weight column. */
    public DataSpec(String format, String path, String featuresCol, List<String> featureCols, String labelCol,
            int numFeatures, Map<String, String> options) {
        this(format, path, featuresCol, featureCols, labelCol, numFeatures, options, null);
    }

    /**
     * The defaults for a format: label column {@code label}; features from the vector column {@code features},
     * except for CSV, whose features are its numeric columns.
     */
    public static DataSpec of(String format, String path) {
        boolean csv = "csv".equalsIgnoreCase(format == null ? "" : format.trim());
        return new DataSpec(format, path, csv ? null : DEFAULT_FEATURES_COL, List.of(), DEFAULT_LABEL_COL, 0,
                Map.of());
    }

    public DataSpec withFeaturesCol(String col) {
        return new DataSpec(format, path, col, featureCols, labelCol, numFeatures, options, weightCol);
    }

    public DataSpec withFeatureCols(List<String> cols) {
        return new DataSpec(format, path, featuresCol, cols, labelCol, numFeatures, options, weightCol);
    }

    public DataSpec withLabelCol(String col) {
        return new DataSpec(format, path, featuresCol, featureCols, col, numFeatures, options, weightCol);
    }

    /** Sample weights from column {@code col} (Keras's {@code sample_weight}). */
    public DataSpec withWeightCol(String col) {
        return new DataSpec(format, path, featuresCol, featureCols, labelCol, numFeatures, options, col);
    }

    public DataSpec withNumFeatures(int n) {
        return new DataSpec(format, path, featuresCol, featureCols, labelCol, n, options, weightCol);
    }

    /** These options added to (and overriding) the current ones. */
    public DataSpec withOptions(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(options);
        all.putAll(more);
        return new DataSpec(format, path, featuresCol, featureCols, labelCol, numFeatures, all, weightCol);
    }

    public DataSpec withOption(String key, String value) {
        return withOptions(Map.of(key, value));
    }

    /** A reader option, or {@code fallback} when not set. */
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /** Which columns are read, in the precedence order of the class comment. */
    String featuresDescription() {
        if (!featureCols.isEmpty()) {
            return "columns " + featureCols;
        }
        return featuresCol != null ? "column '" + featuresCol + "'" : "numeric columns";
    }

    /** For messages and manifests, e.g. {@code csv data at /data/x.csv (features: numeric columns, label: y)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!format.equals("idx")) {
            parts.add("features: " + featuresDescription());
            parts.add("label: " + labelCol);
        }
        if (weightCol != null) {
            parts.add("sample weights: " + weightCol);
        }
        if (numFeatures > 0) {
            parts.add(numFeatures + " features");
        }
        if (!options.isEmpty()) {
            parts.add("options " + new TreeMap<>(options));
        }
        String details = parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
        return format + " data at " + path + details;
    }
}
