package org.sparkadadelta.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;

/** Params, defaults, validation and schemas, without training. */
class KerasAdadeltaParamsTest {
    private static final StructType VECTORS = new StructType().add("label", DataTypes.DoubleType)
            .add("features", SQLDataTypes.VectorType());

    /** Every param set away from its default. */
    private static KerasAdadeltaEstimator everythingSet() {
        return new KerasAdadeltaEstimator().setFeaturesCol("f").setFeatureCols(new String[] {"a", "b"})
                .setLabelCol("y").setPredictionCol("p").setProbabilityCol("").setModelType("softmax")
                .setHidden(new int[] {8, 4}).setNumClasses(5).setEpochs(3).setBatchSize(0).setShuffleSeed(7)
                .setModelSeed(8).setTreeDepth(3).setUpdateKernel("fused").setStopOnDivergence(false)
                .setOptimizer(SyntheticFrames.FAST_ADADELTA).setNumPartitions(4).setBlockRows(100);
    }

    /** Each param's value as JSON, by name (arrays compare by content). */
    static List<String> values(org.apache.spark.ml.param.Params stage) {
        return Arrays.stream(stage.params()).map(p -> p.name() + "=" + encode(stage, p)).toList();
    }

    @SuppressWarnings("unchecked")
    private static String encode(org.apache.spark.ml.param.Params stage, Param<?> p) {
        return ((Param<Object>) p).jsonEncode(stage.getOrDefault(p));
    }

    @Test
    void defaults() {
        KerasAdadeltaEstimator e = new KerasAdadeltaEstimator();
        assertTrue(e.uid().startsWith("kerasAdadelta_"), e.uid());
        assertEquals(List.of("batchSize=32", "blockRows=4096", "callbacks=\"[]\"", "epochs=10", "featureCols=[]",
                "featuresCol=\"features\"", "hidden=[64]", "labelCol=\"label\"", "modelSeed=42", "modelType=\"mlp\"",
                "numClasses=0", "numPartitions=0", "optimizer=" + KerasJson.write(e.getOptimizer()),
                "predictionCol=\"prediction\"", "probabilityCol=\"probability\"", "shuffleSeed=1",
                "stopOnDivergence=true", "treeDepth=2", "updateKernel=\"tensor_ops\"", "validationSplit=0.0"),
                values(e));
    }

    @Test
    void defaultOptimizerIsKerasAdadeltaWithLearningRateOne() {
        // Named explicitly: an unnamed Adadelta takes the next automatic name (adadelta_N) in this JVM.
        Object expected = OptimizerSerialization.serialize(
                Adadelta.builder().name("adadelta").learningRate(1.0).build());
        assertEquals(expected, KerasJson.parse(new KerasAdadeltaEstimator().getOptimizer()));
    }

    @Test
    void copyKeepsEveryParamAndAppliesExtras() {
        KerasAdadeltaEstimator e = everythingSet();
        KerasAdadeltaEstimator copy = e.copy(ParamMap.empty());
        assertEquals(e.uid(), copy.uid());
        assertEquals(values(e), values(copy));
        assertNotEquals(values(new KerasAdadeltaEstimator()), values(copy), "not just the defaults");

        KerasAdadeltaEstimator changed = e.copy(new ParamMap().put(e.epochs().w(9)).put(e.hidden().w(new int[] {2})));
        assertEquals(9, changed.getEpochs());
        assertArrayEquals(new int[] {2}, changed.getHidden());
        assertEquals(3, e.getEpochs(), "the original is unchanged");
    }

    @Test
    void invalidValuesAreRejectedWhenSet() {
        KerasAdadeltaEstimator e = new KerasAdadeltaEstimator();
        List<Executable> bad = List.of(() -> e.setEpochs(0), () -> e.setModelType("cnn"), () -> e.setNumClasses(1),
                () -> e.setHidden(new int[] {4, 0}), () -> e.setBatchSize(-1), () -> e.setTreeDepth(0),
                () -> e.setBlockRows(0), () -> e.setNumPartitions(-2), () -> e.setLabelCol(" "),
                () -> e.setOptimizer("{\"config\": {}}"), () -> e.setOptimizer("Adadelta()"));
        for (Executable set : bad) {
            assertThrows(IllegalArgumentException.class, set);
        }
        assertEquals(values(new KerasAdadeltaEstimator()).size(), values(e).size());
        assertEquals(10, e.getEpochs(), "rejected values are not kept");
    }

    @Test
    void badOptimizerConfigIsReportedWhenFitting() {
        KerasAdadeltaEstimator e = new KerasAdadeltaEstimator().setOptimizer("{\"class_name\": \"Adam\", \"config\": {}}");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> e.fit(SyntheticFrames.SPARK.createDataFrame(List.of(), VECTORS)));
        assertTrue(ex.getMessage().startsWith("Param optimizer of " + e.uid()) && ex.getMessage().contains("Adam"),
                ex.getMessage());
    }

    @Test
    void transformSchemaAddsOutputs() {
        StructType out = new KerasAdadeltaEstimator().transformSchema(VECTORS);
        assertArrayEquals(new String[] {"label", "features", "prediction", "probability"}, out.fieldNames());
        assertEquals(DataTypes.DoubleType, out.apply("prediction").dataType());
        assertEquals(SQLDataTypes.VectorType(), out.apply("probability").dataType());
        assertArrayEquals(new String[] {"label", "features", "prediction"},
                new KerasAdadeltaEstimator().setModelType("linear").transformSchema(VECTORS).fieldNames());
    }

    @Test
    void transformSchemaRejectsMissingAndMistypedColumns() {
        assertMessage(new KerasAdadeltaEstimator().setFeaturesCol("pixels"), VECTORS,
                "The features column 'pixels' does not exist; available columns: [label (double), features (vector)]");
        assertMessage(new KerasAdadeltaEstimator().setLabelCol("y"), VECTORS, "The label column 'y' does not exist");
        assertMessage(new KerasAdadeltaEstimator().setFeatureCols(new String[] {"label", "z"}), VECTORS,
                "The feature column 'z' does not exist");
        assertMessage(new KerasAdadeltaEstimator().setFeatureCols(new String[] {"features"}), VECTORS,
                "The feature column 'features' must be numeric; got vector");
        assertMessage(new KerasAdadeltaEstimator(), VECTORS.add("prediction", DataTypes.DoubleType),
                "Output column 'prediction' already exists");
        assertMessage(new KerasAdadeltaEstimator(), new StructType().add("label", DataTypes.DoubleType)
                .add("features", DataTypes.StringType), "Features column 'features' must be a vector");
    }

    private static void assertMessage(KerasAdadeltaEstimator e, StructType schema, String expected) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.transformSchema(schema));
        assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
    }
}
