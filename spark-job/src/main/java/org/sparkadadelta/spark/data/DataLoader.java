package org.sparkadadelta.spark.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Loads training data into cached, globally numbered {@link DenseBlock}s, checked row by row.
 *
 * <p>Rows are numbered 0..rows-1 across partitions in order; the numbering is the same on every run over the
 * same files with the same partition count. Bad input raises a {@link DataValidationException} naming the
 * column, value, file and row where they are known, also when it is found inside a Spark task.
 */
public final class DataLoader {
    /** Rows per block unless told otherwise. */
    public static final int DEFAULT_BLOCK_ROWS = 4096;

    private DataLoader() {
    }

    /** {@link #load(SparkSession, DataSpec, int, int)} keeping the source's partitions, default block size. */
    public static TrainingData load(SparkSession spark, DataSpec spec) {
        return load(spark, spec, 0, DEFAULT_BLOCK_ROWS);
    }

    /**
     * Reads, checks, blocks, numbers and caches the data described by {@code spec}.
     *
     * @param numPartitions partitions of the result, or {@code <= 0} to keep the source's (one per Arrow file;
     *                      Spark's default parallelism for IDX)
     * @param blockRows     rows per block at most, or {@code <= 0} for {@link #DEFAULT_BLOCK_ROWS}
     */
    public static TrainingData load(SparkSession spark, DataSpec spec, int numPartitions, int blockRows) {
        return load(spark, spec, numPartitions, blockRows, false).data();
    }

    /**
     * Data to score, checked and numbered as for training, keeping the source's partitions. Parquet, CSV and
     * LibSVM data may lack the label column (Arrow data needs one; IDX data always has one): then the blocks'
     * labels are 0 and {@link ScoringInput#labelled()} is false.
     */
    public static ScoringInput loadForScoring(SparkSession spark, DataSpec spec) {
        return load(spark, spec, 0, DEFAULT_BLOCK_ROWS, true);
    }

    private static ScoringInput load(SparkSession spark, DataSpec spec, int numPartitions, int blockRows,
            boolean labelOptional) {
        HadoopFiles.requireExists(spark.sparkContext().hadoopConfiguration(), spec.path());
        boolean labelled = true;
        BlockSource source;
        switch (spec.format()) {
            case "arrow" -> source = ArrowSource.of(spark, spec);
            case "idx" -> source = IdxSource.of(spark, spec, numPartitions);
            default -> {
                Dataset<Row> df = read(spark, spec);
                String label = spec.labelCol();
                if (labelOptional && !Arrays.asList(df.columns()).contains(label)) {
                    df = df.withColumn(DatasetSource.NO_LABEL_COLUMN, functions.lit(0.0));
                    label = DatasetSource.NO_LABEL_COLUMN;
                    labelled = false;
                }
                source = DatasetSource.of(df, spec.featuresCol(), spec.featureCols(), label, spec.weightCol(),
                        spec.numFeatures(),
                        spec.format().equals("csv"), spec.describe(), recordLines(spec),
                        spec.option("sep", spec.option("delimiter", ",")).charAt(0));
            }
        }
        return new ScoringInput(Materializer.materialize(source, numPartitions, blockRowsOrDefault(blockRows)),
                labelled);
    }

    /**
     * Loads any DataFrame: a label column plus either a vector column ({@code ml} or {@code mllib}
     * {@code Vector}, dense or sparse, or an array of numbers) or numeric columns.
     *
     * @param featuresCol the vector column, or null to use {@code featureCols} or else all numeric columns
     * @param featureCols numeric feature columns, in order; null or empty for none
     * @param source      how messages and the result name the data
     */
    public static TrainingData fromDataset(Dataset<Row> df, String featuresCol, List<String> featureCols,
            String labelCol, int numPartitions, int blockRows, String source) {
        BlockSource blocks = DatasetSource.of(df, featuresCol, featureCols, labelCol, null, 0, false, source, null,
                ',');
        return Materializer.materialize(blocks, numPartitions, blockRowsOrDefault(blockRows));
    }

    /**
     * Parquet, CSV and LibSVM through Spark's readers; CSV with a header and inferred types unless told, and
     * (unless told how to treat malformed records) with its malformed records kept in a column of their own, so a
     * row with more or fewer columns than the header is an error rather than silently cut or padded.
     */
    private static Dataset<Row> read(SparkSession spark, DataSpec spec) {
        try {
            Dataset<Row> df = reader(spark, spec).load(spec.path());
            if (spec.format().equals("csv") && !spec.options().containsKey("mode")
                    && !spec.options().containsKey("columnNameOfCorruptRecord")) {
                // The inferred schema again, plus the column: no second pass over the data.
                df = reader(spark, spec).schema(df.schema().add(DatasetSource.MALFORMED_COLUMN, DataTypes.StringType))
                        .option("columnNameOfCorruptRecord", DatasetSource.MALFORMED_COLUMN).load(spec.path());
            }
            return df;
        } catch (Exception e) { // also Spark's undeclared checked exceptions, e.g. an unreadable Parquet footer
            throw SparkReadFailure.onDriver(spec.path(), e);
        }
    }

    private static DataFrameReader reader(SparkSession spark, DataSpec spec) {
        DataFrameReader reader = spark.read().format(spec.format());
        if (spec.format().equals("csv")) {
            reader.option("header", "true").option("inferSchema", "true");
        }
        if (spec.format().equals("libsvm") && spec.numFeatures() > 0) {
            reader.option("numFeatures", spec.numFeatures());
        }
        return reader.options(spec.options());
    }

    /** How Spark's reader of {@code spec} makes records of lines, or null if it does not. */
    private static TextRecordLines recordLines(DataSpec spec) {
        return switch (spec.format()) {
            case "csv" -> {
                Map<String, String> options = new LinkedHashMap<>(Map.of("header", "true")); // as read() sets it
                options.putAll(spec.options());
                yield TextRecordLines.csv(options);
            }
            case "libsvm" -> TextRecordLines.libsvm();
            default -> null;
        };
    }

    private static int blockRowsOrDefault(int blockRows) {
        return blockRows > 0 ? blockRows : DEFAULT_BLOCK_ROWS;
    }
}
