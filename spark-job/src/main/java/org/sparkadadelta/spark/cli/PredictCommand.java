package org.sparkadadelta.spark.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.data.DataSpec;
import org.sparkadadelta.spark.data.ScoringInput;
import org.sparkadadelta.spark.model.Loss;
import org.sparkadadelta.spark.output.OutputDirectory;
import org.sparkadadelta.spark.scoring.TrainedModel;

/**
 * {@code bin/spark-adadelta predict --model PATH --data SPEC --output PATH [--overwrite]}: scores data with a
 * trained model (a job's output directory) and writes Parquet: the data's label column when it has one, then
 * {@code prediction} and, for classifiers, {@code probability}, in the data's row order. The output directory
 * appears complete or not at all ({@link OutputDirectory}), and nothing is written before the model has loaded.
 *
 * <p>{@code SPEC} is {@code FORMAT:PATH} (e.g. {@code parquet:data/test.parquet}) or a JSON object like a
 * config's {@code data.train} (e.g. {@code {"format": "idx", "path": "...", "options": {"split": "t10k"}}}).
 */
final class PredictCommand {
    static final String NAME = "predict";
    static final String USAGE = "bin/spark-adadelta predict --model PATH --data SPEC --output PATH [--overwrite]";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

    /** A parsed command line. */
    record Args(String model, DataSpec data, String output, boolean overwrite) {
        /** @throws IllegalArgumentException naming the bad or missing argument */
        static Args parse(List<String> args) {
            String model = null;
            String data = null;
            String output = null;
            boolean overwrite = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--overwrite" -> overwrite = true;
                    case "--model", "--data", "--output" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        String value = args.get(++i);
                        switch (a) {
                            case "--model" -> model = value;
                            case "--data" -> data = value;
                            default -> output = value;
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            for (String[] required : new String[][] {{"--model", model}, {"--data", data}, {"--output", output}}) {
                if (required[1] == null || required[1].isBlank()) {
                    throw new IllegalArgumentException(required[0] + " is required");
                }
            }
            return new Args(model, dataSpec(data), output, overwrite);
        }
    }

    private final SparkSession spark;
    private final PrintStream console;

    PredictCommand(SparkSession spark, PrintStream console) {
        this.spark = spark;
        this.console = console;
    }

    /** Exits 2 on a bad command line, 1 when scoring fails, 0 when the output was written. */
    static void main(String[] argv) {
        if (argv.length == 0 || List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            System.out.println(usage());
            System.exit(argv.length == 0 ? 2 : 0);
        }
        Args args;
        try {
            args = Args.parse(List.of(argv));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: " + USAGE);
            System.exit(2);
            return;
        }
        SparkSession spark = TrainMain.session("spark-adadelta-predict", "local[*]", Map.of());
        int status = 0;
        try {
            new PredictCommand(spark, System.out).run(args);
        } catch (Exception e) { // also Spark's SparkException, checked but undeclared
            status = RunFailures.report(e, System.err);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /**
     * Scores and commits the output; prints a summary (rows, and accuracy or RMSE when the data is labelled).
     *
     * @return the number of rows scored
     */
    long run(Args args) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            InputOutputSeparation.requirePredictionApart(args.output(), args.data(), args.model(), conf);
            OutputDirectory.removeStaleTemporaries(args.output(), conf, console::println);
            Path target = InputOutputSeparation.qualify(args.output(), conf);
            if (!args.overwrite() && target.getFileSystem(conf).exists(target)) {
                throw new IllegalArgumentException("--output " + DisplayPath.of(target) + " already exists; add "
                        + "--overwrite to replace it (it is replaced only after the new output is complete)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the output directory " + args.output() + ": "
                    + e.getMessage(), e);
        }
        TrainedModel model = TrainedModel.load(args.model(), conf);
        try (OutputDirectory out = OutputDirectory.create(args.output(), args.overwrite(), conf)) {
            // LibSVM rows have no width of their own: the model's. Other data has one, checked against the model's.
            DataSpec data = args.data().format().equals("libsvm") ? args.data().withNumFeatures(model.numFeatures())
                    : args.data();
            ScoringInput input = DataLoader.loadForScoring(spark, data);
            try {
                Dataset<Row> scored = model.score(input.data(), input.labelled(), args.data().labelCol());
                // Into the temporary directory, which holds only our owner file: Spark's _SUCCESS would clash with
                // the one commit() writes last.
                scored.write().mode(SaveMode.Append).option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
                        .parquet(out.tempDir().toString());
            } finally {
                input.data().blocks().unpersist(false);
            }
            List<String> summary = summary(spark.read().parquet(out.tempDir().toString()), model,
                    input.labelled() ? args.data().labelCol() : null);
            out.commit();
            summary.add("Output      " + DisplayPath.of(out.target()) + " (Parquet)");
            console.println(String.join(System.lineSeparator(), summary));
            return input.data().rows();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the output directory " + args.output() + ": "
                    + e.getMessage(), e);
        }
    }

    /** What was scored, from the written rows: their count and, with labels, the model's metric on them. */
    private List<String> summary(Dataset<Row> written, TrainedModel model, String labelCol) {
        List<String> lines = new ArrayList<>();
        boolean classifier = model.numClasses() > 0;
        if (labelCol == null) {
            lines.add(String.format(Locale.ROOT, "Scored %d rows with %s (no label column)", written.count(),
                    model.modelSpec()));
            return lines;
        }
        var label = functions.col("`" + labelCol.replace("`", "``") + "`");
        var prediction = functions.col("prediction");
        Row r = written.agg(functions.count(functions.lit(1)), classifier
                ? functions.avg(functions.when(prediction.equalTo(label), 1.0).otherwise(0.0))
                : functions.sqrt(functions.avg(functions.pow(prediction.minus(label), 2)))).first();
        lines.add(String.format(Locale.ROOT, "Scored %d rows with %s: %s %.4f (label column '%s')", r.getLong(0),
                model.modelSpec(), classifier ? "accuracy" : Loss.MEAN_SQUARED_ERROR.metric(), r.getDouble(1), labelCol));
        return lines;
    }

    /** {@code FORMAT:PATH}, or a JSON object read like a config's {@code data.train}. */
    static DataSpec dataSpec(String spec) {
        String s = spec.strip();
        if (s.startsWith("{")) {
            JsonNode node;
            try {
                node = JSON.readTree(s);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("--data is not valid JSON: " + e.getOriginalMessage(), e);
            }
            ObjectNode root = JSON.createObjectNode();
            root.set("--data", node);
            return JobConfig.dataSpec(ConfigTree.fromNode(root, List.of()), "--data", true);
        }
        int colon = s.indexOf(':');
        String format = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!DataSpec.FORMATS.contains(format) || colon == s.length() - 1) {
            throw new IllegalArgumentException("--data must be FORMAT:PATH with FORMAT one of "
                    + String.join(", ", DataSpec.FORMATS) + " (e.g. parquet:data/test.parquet), or a JSON object like "
                    + "a config's data.train; got '" + spec + "'");
        }
        return DataSpec.of(format, s.substring(colon + 1));
    }

    static String usage() {
        return String.join("\n",
                "usage: " + USAGE,
                "",
                "Scores data with a trained model (a job's output directory) and writes Parquet: the data's label",
                "column if it has one, prediction, and probability for classifiers.",
                "--data is FORMAT:PATH (parquet, csv, libsvm, arrow, idx), e.g. parquet:data/test.parquet, or a",
                "JSON object like a config's data.train, e.g.",
                "  '{\"format\": \"idx\", \"path\": \"/data/fashion-mnist\", \"options\": {\"split\": \"t10k\"}}'",
                "--overwrite replaces an existing output directory once the new one is complete.");
    }
}
