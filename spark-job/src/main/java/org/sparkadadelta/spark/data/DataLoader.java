package org.sparkadadelta.spark.data;

import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
        HadoopFiles.requireExists(spark.sparkContext().hadoopConfiguration(), spec.path());
        BlockSource source = switch (spec.format()) {
            case "arrow" -> ArrowSource.of(spark, spec);
            case "idx" -> IdxSource.of(spark, spec, numPartitions);
            default -> DatasetSource.of(read(spark, spec), spec.featuresCol(), spec.featureCols(), spec.labelCol(),
                    spec.numFeatures(), spec.format().equals("csv"), spec.describe());
        };
        return Materializer.materialize(source, numPartitions, blockRowsOrDefault(blockRows));
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
        BlockSource blocks = DatasetSource.of(df, featuresCol, featureCols, labelCol, 0, false, source);
        return Materializer.materialize(blocks, numPartitions, blockRowsOrDefault(blockRows));
    }

    /** Parquet, CSV and LibSVM through Spark's readers; CSV with a header and inferred types unless told. */
    private static Dataset<Row> read(SparkSession spark, DataSpec spec) {
        DataFrameReader reader = spark.read().format(spec.format());
        if (spec.format().equals("csv")) {
            reader.option("header", "true").option("inferSchema", "true");
        }
        if (spec.format().equals("libsvm") && spec.numFeatures() > 0) {
            reader.option("numFeatures", spec.numFeatures());
        }
        return reader.options(spec.options()).load(spec.path());
    }

    private static int blockRowsOrDefault(int blockRows) {
        return blockRows > 0 ? blockRows : DEFAULT_BLOCK_ROWS;
    }
}
