package org.sparkadadelta.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.output.WeightsFile;

/** Saving and loading the estimator, the model, and a pipeline holding them. */
class KerasAdadeltaPersistenceTest {
    private static Dataset<Row> data;
    private static KerasAdadeltaModel model;

    @BeforeAll
    static void fit() {
        data = new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("features")
                .transform(SyntheticFrames.blobs(90, 3, 11));
        model = new KerasAdadeltaEstimator().setModelType("softmax").setEpochs(2).setBatchSize(0)
                .setPredictionCol("class").setOptimizer(SyntheticFrames.FAST_ADADELTA).fit(data);
    }

    private static List<Row> predictions(org.apache.spark.ml.Transformer t) {
        return t.transform(data).select("class", "probability").collectAsList();
    }

    @Test
    void modelRoundTrip(@TempDir Path dir) throws IOException {
        String path = dir.resolve("model").toString();
        model.save(path);
        assertTrue(Files.isRegularFile(dir.resolve("model/" + WeightsFile.FILE_NAME)));
        KerasAdadeltaModel loaded = KerasAdadeltaModel.load(path);

        assertEquals(model.uid(), loaded.uid());
        assertEquals(KerasAdadeltaParamsTest.values(model), KerasAdadeltaParamsTest.values(loaded));
        assertEquals("class", loaded.getPredictionCol());
        assertEquals(model.modelSpec(), loaded.modelSpec());
        assertArrayEquals(model.weights(), loaded.weights());
        assertEquals(model.metrics(), loaded.metrics());
        assertEquals(model.optimizerConfigJson(), loaded.optimizerConfigJson());
        assertTrue(loaded.history().steps().isEmpty(), "history is not saved");
        assertEquals(predictions(model), predictions(loaded));
    }

    @Test
    void saveRefusesAnExistingPathUnlessOverwriting(@TempDir Path dir) throws IOException {
        String path = dir.resolve("model").toString();
        model.save(path);
        assertThrows(IOException.class, () -> model.save(path));
        model.write().overwrite().save(path);
        assertArrayEquals(model.weights(), KerasAdadeltaModel.load(path).weights());
    }

    @Test
    void estimatorRoundTrip(@TempDir Path dir) throws IOException {
        KerasAdadeltaEstimator e = new KerasAdadeltaEstimator().setHidden(new int[] {3, 2}).setEpochs(4)
                .setOptimizer(SyntheticFrames.FAST_ADADELTA).setFeatureCols(new String[] {"x", "y"});
        String path = dir.resolve("estimator").toString();
        e.save(path);
        KerasAdadeltaEstimator loaded = KerasAdadeltaEstimator.load(path);
        assertEquals(e.uid(), loaded.uid());
        assertEquals(KerasAdadeltaParamsTest.values(e), KerasAdadeltaParamsTest.values(loaded));
    }

    @Test
    void pipelineModelRoundTrip(@TempDir Path dir) throws IOException {
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {model}).fit(data);
        String path = dir.resolve("pipeline").toString();
        pipeline.save(path);
        PipelineModel loaded = PipelineModel.load(path);
        assertTrue(loaded.stages()[0] instanceof KerasAdadeltaModel, loaded.stages()[0].getClass().getName());
        assertEquals(predictions(pipeline), predictions(loaded));
    }
}
