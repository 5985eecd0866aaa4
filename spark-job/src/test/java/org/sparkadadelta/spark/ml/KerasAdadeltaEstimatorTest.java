package org.sparkadadelta.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.optim.config.KerasJson;

/** Training and prediction through spark.ml on a real local session. */
class KerasAdadeltaEstimatorTest {
    private static final VectorAssembler ASSEMBLER = new VectorAssembler().setInputCols(new String[] {"x", "y"})
            .setOutputCol("features");

    private static PipelineModel blobsPipeline;
    private static Dataset<Row> blobsPredictions;

    /** An MLP on three blobs, fitted once as a Pipeline and applied to fresh rows from the same blobs. */
    @BeforeAll
    static void fitBlobs() {
        KerasAdadeltaEstimator estimator = new KerasAdadeltaEstimator().setHidden(new int[] {16}).setEpochs(4)
                .setBatchSize(60).setOptimizer(SyntheticFrames.FAST_ADADELTA).setNumPartitions(2);
        blobsPipeline = new Pipeline().setStages(new PipelineStage[] {ASSEMBLER, estimator})
                .fit(SyntheticFrames.blobs(600, 3, 1));
        blobsPredictions = blobsPipeline.transform(SyntheticFrames.blobs(300, 3, 2)).cache();
    }

    private static KerasAdadeltaModel blobsModel() {
        return (KerasAdadeltaModel) blobsPipeline.stages()[1];
    }

    @Test
    void pipelineLearnsThreeBlobs() {
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(blobsPredictions);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }

    @Test
    void callbacksAndAValidationSplitAreParams() {
        KerasAdadeltaEstimator estimator = new KerasAdadeltaEstimator().setModelType("mlp").setHidden(new int[] {8})
                .setEpochs(10).setBatchSize(60).setOptimizer(SyntheticFrames.FAST_ADADELTA).setNumPartitions(2)
                .setValidationSplit(0.25)
                .setCallbacks("[{\"class_name\": \"EarlyStopping\", \"config\": {\"min_delta\": 100, \"patience\": 1}}]");
        KerasAdadeltaModel model = (KerasAdadeltaModel) new Pipeline().setStages(new PipelineStage[] {ASSEMBLER,
                estimator}).fit(SyntheticFrames.blobs(600, 3, 1)).stages()[1];
        assertEquals(2, model.history().epochs().size(), "stopped at epoch 1: nothing improves val_loss by 100");
        assertEquals(2 * 8, model.history().steps().size(), "450 training rows in batches of 60");
        assertTrue(Double.isFinite(model.history().epochs().get(1).validationLoss()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pipeline().setStages(
                new PipelineStage[] {ASSEMBLER, new KerasAdadeltaEstimator().setCallbacks(
                        "[{\"class_name\": \"EarlyStopping\", \"config\": {\"patients\": 1}}]")})
                .fit(SyntheticFrames.blobs(60, 3, 1)));
        assertTrue(e.getMessage().contains("EarlyStopping got unexpected keyword argument [patients]"), e.getMessage());
    }

    @Test
    void theFusedUpdateKernelFitsTheSameWeights() {
        Dataset<Row> data = ASSEMBLER.transform(SyntheticFrames.blobs(300, 3, 1));
        KerasAdadeltaEstimator estimator = new KerasAdadeltaEstimator().setHidden(new int[] {8}).setEpochs(2)
                .setBatchSize(60).setOptimizer(SyntheticFrames.FAST_ADADELTA).setNumPartitions(2);
        assertEquals("tensor_ops", estimator.getUpdateKernel());
        float[] ops = estimator.fit(data).weights();
        float[] fused = estimator.copy(org.apache.spark.ml.param.ParamMap.empty()).setUpdateKernel("fused")
                .fit(data).weights();
        org.junit.jupiter.api.Assertions.assertArrayEquals(ops, fused);
        assertThrows(IllegalArgumentException.class, () -> estimator.setUpdateKernel("vector"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelKeepsHistoryMetricsWeightsAndOptimizer() {
        KerasAdadeltaModel model = blobsModel();
        assertEquals(3, model.numClasses(), "inferred from the largest label");
        assertEquals(2, model.numFeatures());
        assertEquals(4, model.history().epochs().size());
        assertEquals(4 * 10, model.history().steps().size(), "600 rows in batches of 60: 10 steps an epoch");
        assertEquals(4L * 10, model.metrics().get("steps"));
        double first = model.history().epochs().get(0).loss();
        double last = model.history().epochs().get(3).loss();
        assertTrue(last < first / 2, "loss " + first + " -> " + last);
        assertEquals(model.network().layout().size(), model.weights().length);
        Map<String, Object> config = (Map<String, Object>) KerasJson.parse(model.optimizerConfigJson()).get("config");
        assertEquals(1e-3, config.get("epsilon"));
        assertEquals(1.0, config.get("learning_rate"));
        assertTrue(model.hasParent());
    }

    @Test
    void probabilitiesAreADistributionWhoseArgmaxIsThePrediction() {
        List<Row> rows = blobsPredictions.select("probability", "prediction").collectAsList();
        assertEquals(300, rows.size());
        for (Row r : rows) {
            double[] p = ((Vector) r.get(0)).toArray();
            assertEquals(3, p.length);
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-6); // float32 probabilities, as Keras's predict returns
            assertTrue(Arrays.stream(p).allMatch(x -> x >= 0 && x <= 1), Arrays.toString(p));
            assertEquals(((Vector) r.get(0)).argmax(), r.getDouble(1));
        }
    }

    @Test
    void transformKeepsColumnsAndNeedsNoLabel() {
        Dataset<Row> out = blobsPipeline.transform(SyntheticFrames.blobs(30, 3, 3).drop("label"));
        assertArrayEquals(new String[] {"x", "y", "features", "prediction", "probability"}, out.columns());
        assertEquals(30, out.count());
        NominalAttribute attr = (NominalAttribute) Attribute.fromStructField(out.schema().apply("prediction"));
        assertEquals(3, attr.getNumValues().get(), "prediction carries the class count");
    }

    @Test
    void aBlankFeaturesColFitsOnEveryNumericColumnButTheLabel() {
        KerasAdadeltaModel model = new KerasAdadeltaEstimator().setModelType("softmax").setFeaturesCol("")
                .setEpochs(1).setBatchSize(0).setOptimizer(SyntheticFrames.FAST_ADADELTA)
                .fit(SyntheticFrames.blobs(60, 3, 2));
        assertArrayEquals(new String[] {"x", "y"}, model.getFeatureCols());
        assertEquals(2, model.numFeatures());
    }

    @Test
    void linearRegressionOnNumericColumns() {
        KerasAdadeltaEstimator estimator = new KerasAdadeltaEstimator().setModelType("linear")
                .setFeatureCols(new String[] {"a", "b"}).setLabelCol("target").setEpochs(10).setBatchSize(100)
                .setOptimizer(SyntheticFrames.FAST_ADADELTA);
        KerasAdadeltaModel model = estimator.fit(SyntheticFrames.line(400, 4));
        Dataset<Row> out = model.transform(SyntheticFrames.line(200, 5));
        assertFalse(Arrays.asList(out.columns()).contains("probability"), "no probabilities for regression");
        double rmse = new RegressionEvaluator().setLabelCol("target").setMetricName("rmse").evaluate(out);
        assertTrue(rmse < 0.15, "rmse " + rmse + " (noise 0.05, spread of the target 2.1)");
        assertEquals(0, model.numClasses());
    }

    @Test
    void logisticRegressionOnAnArrayColumn() {
        Dataset<Row> two = SyntheticFrames.blobs(300, 2, 6)
                .withColumn("xy", functions.array(functions.col("x"), functions.col("y")));
        KerasAdadeltaModel model = new KerasAdadeltaEstimator().setModelType("logistic").setFeaturesCol("xy")
                .setEpochs(4).setOptimizer(SyntheticFrames.FAST_ADADELTA).fit(two);
        Dataset<Row> out = model.transform(two);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(out);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        for (Row r : out.select("probability", "prediction").collectAsList()) {
            double[] p = ((Vector) r.get(0)).toArray();
            assertEquals(2, p.length);
            assertEquals(1.0, p[0] + p[1], 1e-12);
            assertEquals(p[1] >= 0.5 ? 1.0 : 0.0, r.getDouble(1), Arrays.toString(p));
        }
    }

    @Test
    void fractionalLabelsCannotInferClasses() {
        Dataset<Row> df = SyntheticFrames.line(20, 7).withColumnRenamed("target", "label");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KerasAdadeltaEstimator()
                .setFeatureCols(new String[] {"a", "b"}).setEpochs(1).fit(df));
        assertTrue(e.getMessage().contains("class indices") && e.getMessage().contains("modelType linear"),
                e.getMessage());
    }
}
