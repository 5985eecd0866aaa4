package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.scoring.TrainedModel;
import org.sparkadadelta.spark.scoring.TrainedRuns;

/**
 * {@code bin/spark-adadelta predict} in-process, from a real job output to Parquet, and every refusal: one
 * {@code error:} line as TrainMain prints it, and no output directory (nor temporary one) left behind.
 */
class PredictCommandTest {
    @TempDir
    static Path dir;
    private static TrainedRuns.Run mlp;
    private static Path blobs;

    @BeforeAll
    static void train() throws Exception {
        blobs = TrainedRuns.parquet(dir, "blobs", false);
        mlp = TrainedRuns.train(blobs, dir.resolve("mlp"), "mlp");
    }

    @Test
    void writesTheLabelPredictionAndProbabilityInTheDataOrder() throws IOException {
        Path out = dir.resolve("scored");
        String console = predict("--model", mlp.output().toString(), "--data", "parquet:" + blobs,
                "--output", out.toString());

        List<Row> written = TrainedRuns.SPARK.read().parquet(out.toString()).collectAsList();
        assertEquals(List.of("label", "prediction", "probability"),
                List.of(TrainedRuns.SPARK.read().parquet(out.toString()).columns()));
        List<Row> expected = TrainedModel.load(mlp.output().toString())
                .transform(TrainedRuns.SPARK.read().parquet(blobs.toString())).select("label", "prediction",
                        "probability").collectAsList();
        assertEquals(expected, written);
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        assertFalse(Files.exists(out.resolve("_OWNER")));
        assertNoLeftovers(out);
        assertEquals(String.format(Locale.ROOT, "Scored %d rows with mlp[6] classes=3: accuracy %.4f (label column "
                + "'label')%nOutput      %s (Parquet)%n", TrainedRuns.ROWS,
                (double) mlp.result().metrics().get("test_accuracy"), out), console);
    }

    @Test
    void theJobsModelKerasScoresAsItsOutputDirectory() throws IOException {
        Path fromDirectory = dir.resolve("from-directory");
        Path fromKeras = dir.resolve("from-keras");
        predict("--model", mlp.output().toString(), "--data", "parquet:" + blobs, "--output", fromDirectory.toString());
        String console = predict("--model", mlp.output().resolve("model.keras").toString(), "--data",
                "parquet:" + blobs, "--output", fromKeras.toString());
        assertTrue(console.startsWith("Scored " + TrainedRuns.ROWS + " rows with mlp[6] classes=3: accuracy"), console);
        assertEquals(TrainedRuns.SPARK.read().parquet(fromDirectory.toString()).collectAsList(),
                TrainedRuns.SPARK.read().parquet(fromKeras.toString()).collectAsList());
    }

    @Test
    void dataWithoutALabelGetsPredictionsOnly() throws IOException {
        Path csv = dir.resolve("unlabelled.csv");
        List<String> lines = new ArrayList<>(List.of("f0,f1,f2"));
        TrainedRuns.blobs(false, 3).collectAsList().forEach(r -> lines.add(r.get(2) + "," + r.get(3) + "," + r.get(4)));
        Files.write(csv, lines);
        Path out = dir.resolve("unlabelled-scores");
        String console = predict("--model", mlp.output().toString(), "--data",
                "{\"format\": \"csv\", \"path\": \"" + csv + "\"}", "--output", out.toString());
        assertEquals(List.of("prediction", "probability"),
                List.of(TrainedRuns.SPARK.read().parquet(out.toString()).columns()));
        assertEquals(TrainedRuns.ROWS, TrainedRuns.SPARK.read().parquet(out.toString()).count());
        assertTrue(console.startsWith("Scored 240 rows with mlp[6] classes=3 (no label column)"), console);
    }

    @Test
    void wrongFeatureCountNamesTheDataExpectedAndGot() throws IOException {
        Path csv = Files.writeString(dir.resolve("wide.csv"), "label,a,b,c,d\n0,1,2,3,4\n");
        Path out = dir.resolve("wide-scores");
        String error = predictFails("--model", mlp.output().toString(), "--data", "csv:" + csv,
                "--output", out.toString());
        assertEquals("error: The data (csv data at " + csv + " (features: numeric columns, label: label)) has 4 "
                + "features per row, but the model expects 3\n", error);
        assertNoOutput(out);

        Path libsvm = Files.writeString(dir.resolve("wide.libsvm"), "1 1:0.5 3:1.5\n0 2:1 4:2\n");
        error = predictFails("--model", mlp.output().toString(), "--data", "libsvm:" + libsvm,
                "--output", out.toString());
        assertTrue(error.startsWith("error: " + libsvm.toUri() + ": line 2: "), error);
        assertTrue(error.contains("(expected at most 3, got 4)"), error);
        assertNoOutput(out);
    }

    @Test
    void anUnknownOrCorruptModelIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path out = dir.resolve("no-model-scores");
        Path missing = dir.resolve("no-such-model");
        assertEquals("error: The model path " + missing + " does not exist\n", predictFails("--model",
                missing.toString(), "--data", "parquet:" + blobs, "--output", out.toString()));
        assertNoOutput(out);

        Path corrupt = Files.createDirectories(dir.resolve("corrupt-model"));
        for (String f : List.of("manifest.json", "weights.arrow")) {
            Files.copy(mlp.output().resolve(f), corrupt.resolve(f));
        }
        byte[] w = Files.readAllBytes(corrupt.resolve("weights.arrow"));
        w[w.length - 20] ^= 4;
        Files.write(corrupt.resolve("weights.arrow"), w);
        String error = predictFails("--model", corrupt.toString(), "--data", "parquet:" + blobs,
                "--output", out.toString());
        assertTrue(error.matches("error: .*corrupt-model/weights.arrow is corrupt: its SHA-256 is [0-9a-f]{64}, the "
                + "manifest says [0-9a-f]{64}\n"), error);
        assertNoOutput(out);
    }

    @Test
    void anExistingOutputIsKeptUnlessOverwriting() throws IOException {
        Path out = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(out.resolve("keep.txt"), "previous");
        String error = predictFails("--model", mlp.output().toString(), "--data", "parquet:" + blobs,
                "--output", out.toString());
        assertEquals("error: --output " + out.toRealPath() + " already exists; add --overwrite to replace it (it is "
                + "replaced only after the new output is complete)\n", error);
        assertEquals("previous", Files.readString(out.resolve("keep.txt")));
        assertNoLeftovers(out);

        predict("--model", mlp.output().toString(), "--data", "parquet:" + blobs, "--output", out.toString(),
                "--overwrite");
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertEquals(TrainedRuns.ROWS, TrainedRuns.SPARK.read().parquet(out.toString()).count());
    }

    @Test
    void theOutputMayNotBeTheDataOrTheModel() {
        String error = predictFails("--model", mlp.output().toString(), "--data", "parquet:" + blobs,
                "--output", blobs.toString(), "--overwrite");
        assertTrue(error.startsWith("error: --output ") && error.contains(" is the data to score (--data): choose "
                + "another output path"), error);
        assertTrue(Files.isDirectory(blobs));
        error = predictFails("--model", mlp.output().toString(), "--data", "parquet:" + blobs,
                "--output", mlp.output().resolve("scores").toString());
        assertTrue(error.contains(" is inside the model (--model "), error);
    }

    @Test
    void badCommandLinesNameTheArgument() {
        assertEquals("--data must be FORMAT:PATH with FORMAT one of parquet, csv, libsvm, arrow, idx (e.g. "
                + "parquet:data/test.parquet), or a JSON object like a config's data.train; got 'data.parquet'",
                parseError("--model", "m", "--data", "data.parquet", "--output", "o"));
        assertEquals("--output is required", parseError("--model", "m", "--data", "csv:x.csv"));
        assertEquals("unknown argument '--modle'", parseError("--modle", "m"));
        assertTrue(parseError("--model", "m", "--data", "{\"format\": \"csv\"}", "--output", "o")
                .contains("'--data.path'"), parseError("--model", "m", "--data", "{\"format\": \"csv\"}", "--output", "o"));
    }

    private static String predict(String... args) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long rows = new PredictCommand(TrainedRuns.SPARK, new PrintStream(console, true, StandardCharsets.UTF_8))
                .run(PredictCommand.Args.parse(List.of(args)));
        assertTrue(rows > 0);
        return console.toString(StandardCharsets.UTF_8);
    }

    /** Runs predict, which must fail; returns what TrainMain prints to stderr for it. */
    private static String predictFails(String... args) {
        Exception e = assertThrows(Exception.class, () -> new PredictCommand(TrainedRuns.SPARK,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .run(PredictCommand.Args.parse(List.of(args))));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, RunFailures.report(e, new PrintStream(err, true, StandardCharsets.UTF_8)));
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String parseError(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> PredictCommand.Args.parse(List.of(args)))
                .getMessage();
    }

    private static void assertNoOutput(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " exists");
        assertNoLeftovers(out);
    }

    private static void assertNoLeftovers(Path out) throws IOException {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(out.getFileName() + "._")).toList(), "temporary directories left behind");
        }
    }
}
