package org.sparkadadelta.spark.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.ml.KerasAdadeltaModel;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.Network;

/**
 * {@link TrainedModel} on real job outputs: loading, scoring DataFrames and single rows, and what it refuses.
 * Float arrays are compared with JUnit's {@code assertArrayEquals} without a delta: by bit pattern
 * ({@code floatToIntBits}), so signed zeros count.
 */
class TrainedModelTest {
    @TempDir
    static Path dir;
    private static TrainedRuns.Run mlp;
    private static TrainedRuns.Run linear;
    private static Dataset<Row> blobs;

    @BeforeAll
    static void train() throws Exception {
        mlp = TrainedRuns.train(TrainedRuns.parquet(dir, "blobs", false), dir.resolve("mlp"), "mlp");
        linear = TrainedRuns.train(TrainedRuns.parquet(dir, "line", true), dir.resolve("linear"), "linear");
        blobs = TrainedRuns.blobs(false, 11);
    }

    @Test
    void loadsTheJobOutputWithItsSpecWeightsAndOptimizer() {
        TrainedModel model = TrainedModel.load(mlp.output().toString());
        assertEquals(new ModelSpec("mlp", new int[] {6}, 3), model.modelSpec());
        assertEquals(TrainedRuns.FEATURES, model.numFeatures());
        assertEquals(3, model.numClasses());
        assertArrayEquals(mlp.result().weights(), model.weights());
        assertEquals(mlp.result().optimizer().iterations(), model.optimizer().orElseThrow().iterations());
        assertEquals("scoring-mlp", model.name());
        assertEquals(mlp.result().metrics().get("test_accuracy"), model.metrics().get("test_accuracy"));
    }

    @Test
    void loadsTheJobsModelKerasAsTheSameModel() {
        TrainedModel fromDirectory = TrainedModel.load(mlp.output().toString());
        TrainedModel keras = TrainedModel.load(mlp.output().resolve("model.keras").toString());
        assertEquals(fromDirectory.modelSpec(), keras.modelSpec());
        assertEquals(fromDirectory.numFeatures(), keras.numFeatures());
        assertArrayEquals(fromDirectory.weights(), keras.weights());
        assertEquals(fromDirectory.optimizer().orElseThrow(), keras.optimizer().orElseThrow());
        assertEquals("model", keras.name());
        float[] row = new float[TrainedRuns.FEATURES];
        java.util.Arrays.fill(row, 0.5f);
        assertArrayEquals(fromDirectory.predict(row), keras.predict(row));
    }

    @Test
    void transformGivesTheTrainingForwardPassOutputsBitForBit() {
        TrainedModel model = TrainedModel.load(mlp.output().toString());
        List<Row> rows = model.transform(blobs).select("label", "features", "prediction", "probability")
                .collectAsList();
        assertEquals(TrainedRuns.ROWS, rows.size());
        Network network = mlp.result().network();
        float[] expected = network.predict(network.weights(mlp.result().weights()), features(rows),
                rows.size());
        int correct = 0;
        for (int r = 0; r < rows.size(); r++) {
            double[] p = ((Vector) rows.get(r).get(3)).toArray();
            float[] asFloats = new float[p.length];
            for (int j = 0; j < p.length; j++) {
                asFloats[j] = (float) p[j];
                assertEquals(p[j], asFloats[j], "float32 probabilities, widened exactly");
            }
            assertArrayEquals(Arrays.copyOfRange(expected, 3 * r, 3 * r + 3), asFloats, "row " + r);
            assertEquals(((Vector) rows.get(r).get(3)).argmax(), rows.get(r).getDouble(2));
            correct += rows.get(r).getDouble(2) == rows.get(r).getDouble(0) ? 1 : 0;
        }
        // The job's test set is the same rows: its accuracy, from the training code's evaluation, must be ours.
        assertEquals((double) mlp.result().metrics().get("test_accuracy"), (double) correct / rows.size());
        assertTrue(correct > rows.size() * 0.8, correct + " correct");
    }

    @Test
    void predictOfOneRowIsKerasPredict() {
        TrainedModel model = TrainedModel.load(mlp.output().toString());
        Row first = blobs.first();
        float[] x = features(List.of(Row.fromSeq(first.toSeq())));
        float[] p = model.predict(x);
        Network network = mlp.result().network();
        assertArrayEquals(network.predict(network.weights(mlp.result().weights()), x, 1), p);
        assertEquals(3, p.length);
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        Row scored = model.transform(blobs.limit(1)).first();
        assertArrayEquals(((Vector) scored.getAs("probability")).toArray(),
                new double[] {p[0], p[1], p[2]}, 1e-6, "one row alone or in a batch: same math, BLAS may block differently");
    }

    @Test
    void featuresFromNumericColumnsOrAVectorGiveTheSamePredictions() {
        TrainedModel model = TrainedModel.load(mlp.output().toString());
        List<Row> fromArray = model.transform(blobs).select("probability").collectAsList();
        List<Row> fromColumns = model.transform(blobs, ScoringColumns.DEFAULT.withFeatureCols(List.of("f0", "f1", "f2")))
                .select("probability").collectAsList();
        Dataset<Row> vectors = new VectorAssembler().setInputCols(new String[] {"f0", "f1", "f2"}).setOutputCol("vec")
                .transform(blobs);
        List<Row> fromVector = model.transform(vectors, ScoringColumns.DEFAULT.withFeaturesCol("vec"))
                .select("probability").collectAsList();
        assertEquals(fromArray, fromColumns);
        assertEquals(fromArray, fromVector);
    }

    @Test
    void aLinearModelPredictsValuesWithoutProbabilities() {
        TrainedModel model = TrainedModel.load(linear.output().toString());
        assertEquals(new ModelSpec("linear", null, 0), model.modelSpec());
        Dataset<Row> scored = model.transform(TrainedRuns.blobs(true, 11));
        assertEquals(List.of("label", "features", "f0", "f1", "f2", "prediction"), List.of(scored.columns()));
        List<Row> rows = scored.collectAsList();
        double squares = 0;
        for (Row r : rows) {
            squares += Math.pow(r.getDouble(5) - r.getDouble(0), 2);
        }
        assertEquals((double) linear.result().metrics().get("test_root_mean_squared_error"), Math.sqrt(squares / rows.size()), 1e-5);
        Row first = rows.get(0);
        assertEquals(first.getDouble(5), model.predict(features(List.of(first)))[0], 1e-6);
    }

    @Test
    void sparkMlLoadsTheJobOutputAndSavesTheSameFormat() throws IOException {
        KerasAdadeltaModel stage = KerasAdadeltaModel.load(mlp.output().toString());
        assertArrayEquals(mlp.result().weights(), stage.weights());
        List<Row> expected = TrainedModel.load(mlp.output().toString()).transform(blobs).collectAsList();
        assertEquals(expected, stage.transform(blobs).collectAsList());

        Path saved = dir.resolve("saved-stage");
        stage.setPredictionCol("class").save(saved.toString());
        for (String file : List.of("weights.arrow", "manifest.json", "metrics.json", "metadata")) {
            assertTrue(Files.exists(saved.resolve(file)), file);
        }
        assertArrayEquals(mlp.result().weights(), TrainedModel.load(saved.toString()).weights(),
                "a saved stage is a job output");
        KerasAdadeltaModel again = KerasAdadeltaModel.load(saved.toString());
        assertEquals(stage.uid(), again.uid());
        assertEquals("class", again.getPredictionCol());
    }

    @Test
    void refusesWhatItCannotLoadNamingThePathAndTheProblem() throws IOException {
        Path missing = dir.resolve("nowhere");
        assertEquals("The model path " + missing + " does not exist", loadError(missing));
        assertTrue(loadError(Files.createDirectories(dir.resolve("empty"))).contains("is not a spark-adadelta model: "
                + "it has no manifest.json"), loadError(dir.resolve("empty")));
        assertTrue(loadError(dir.resolve("model.keras")).endsWith("model.keras: no such file"));

        Path corrupt = copy(mlp.output(), dir.resolve("corrupt"));
        byte[] weights = Files.readAllBytes(corrupt.resolve("weights.arrow"));
        weights[weights.length / 2] ^= 1;
        Files.write(corrupt.resolve("weights.arrow"), weights);
        assertTrue(loadError(corrupt).matches(".*weights.arrow is corrupt: its SHA-256 is [0-9a-f]{64}, the manifest "
                + "says [0-9a-f]{64}"), loadError(corrupt));

        Path tanh = copy(mlp.output(), dir.resolve("tanh"));
        Path manifest = tanh.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"relu\"", "\"tanh\""));
        assertTrue(loadError(tanh).matches(".*manifest.json: a model spark-adadelta cannot represent .*: \\{kind=mlp, "
                + "loss=sparse_categorical_crossentropy, layers=\\[\\{name=dense, units=6, activation=tanh}.*"),
                loadError(tanh));
    }

    @Test
    void refusesRowsOfTheWrongWidth() {
        TrainedModel model = TrainedModel.load(mlp.output().toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.predict(new float[] {1, 2}));
        assertEquals("The model expects 3 features per row; got 2", e.getMessage());
        Dataset<Row> two = new VectorAssembler().setInputCols(new String[] {"f0", "f1"}).setOutputCol("vec")
                .transform(blobs);
        Exception task = assertThrows(Exception.class,
                () -> model.transform(two, ScoringColumns.DEFAULT.withFeaturesCol("vec")).collectAsList());
        assertTrue(String.valueOf(task.getMessage()).contains("Feature column 'vec' holds 2 features in a row to "
                + "predict, but the model was trained on 3"), task.getMessage());
        assertFalse(model.outputSchema(blobs.schema(), ScoringColumns.DEFAULT).isEmpty());
    }

    private static String loadError(Path path) {
        return assertThrows(IllegalArgumentException.class, () -> TrainedModel.load(path.toString())).getMessage();
    }

    private static float[] features(List<Row> rows) {
        float[] x = new float[rows.size() * TrainedRuns.FEATURES];
        for (int r = 0; r < rows.size(); r++) {
            List<Float> list = rows.get(r).getList(1);
            for (int j = 0; j < TrainedRuns.FEATURES; j++) {
                x[r * TrainedRuns.FEATURES + j] = list.get(j);
            }
        }
        return x;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
        return to;
    }
}
