package org.sparkadadelta.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.train.Trainer;
import org.sparkadadelta.spark.train.TrainingOptions;
import org.sparkadadelta.spark.train.TrainingResult;

/** {@link KerasAdadeltaModel#of}: a run trained with {@link Trainer} scores DataFrames as a fitted model. */
class KerasAdadeltaModelOfTest {
    @Test
    void aTrainerRunScoresLikeTheNetworkItTrained() {
        Dataset<Row> blobs = SyntheticFrames.blobs(300, 3, 5);
        TrainingData data = DataLoader.fromDataset(blobs, null, List.of("x", "y"), "label", 2, 64, "blobs");
        ModelSpec spec = new ModelSpec("mlp", new int[] {8}, 3);
        TrainingResult result = new Trainer(JavaSparkContext.fromSparkContext(SyntheticFrames.SPARK.sparkContext()),
                spec.build(2), Adadelta.builder().learningRate(1.0).epsilon(1e-3).build(),
                new TrainingOptions(15, 32, 1, 42, 2, true)).fit(data, null);

        KerasAdadeltaModel model = KerasAdadeltaModel.of(spec, result).setFeatureCols(new String[] {"x", "y"});

        assertArrayEquals(result.weights(), model.weights());
        assertEquals(result.history().steps().size(), model.history().steps().size());
        assertTrue(model.optimizerConfigJson().contains("\"Adadelta\""), model.optimizerConfigJson());
        List<Row> scored = model.transform(blobs).select("label", "prediction").collectAsList();
        long right = scored.stream().filter(r -> r.getDouble(0) == r.getDouble(1)).count();
        assertTrue(right >= 0.9 * scored.size(), right + " of " + scored.size() + " right");
    }
}
