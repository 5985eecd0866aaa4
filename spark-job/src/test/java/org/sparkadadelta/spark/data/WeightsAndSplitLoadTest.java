package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/** A sample-weight column read from files, and Keras's validation split of loaded rows. */
class WeightsAndSplitLoadTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    /** {@code rows} CSV rows {@code x1,x2,label,w}: x1 = the row's number, w = (row % 4) / 2. */
    private Path csv(int rows) throws IOException {
        StringBuilder text = new StringBuilder("x1,x2,label,w\n");
        for (int i = 0; i < rows; i++) {
            text.append(i).append(',').append(0.5 * i).append(',').append(i % 3).append(',').append((i % 4) / 2.0)
                    .append('\n');
        }
        Path file = dir.resolve("rows-" + rows + ".csv");
        Files.writeString(file, text);
        return file;
    }

    private static float[] weightsOf(TrainingData data) {
        List<Float> out = new ArrayList<>();
        for (List<DenseBlock> partition : data.blocks().glom().collect()) {
            for (DenseBlock b : partition) {
                for (int i = 0; i < b.rows(); i++) {
                    out.add(b.weights()[i]);
                }
            }
        }
        float[] w = new float[out.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = out.get(i);
        }
        return w;
    }

    @Test
    void aWeightColumnGivesEachRowItsWeightAndIsNoFeature() throws IOException {
        DataSpec spec = DataSpec.of("csv", csv(10).toString()).withWeightCol("w");
        for (int partitions : new int[] {0, 3}) {
            TrainingData data = DataLoader.load(SPARK, spec, partitions, 4);
            Loaded l = Loaded.check(data, 4);
            assertTrue(data.weighted());
            assertEquals(2, data.numFeatures(), "x1 and x2; w is not a feature");
            assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 0, 0.5f, 1, 1.5f, 0, 0.5f}, weightsOf(data));
            assertEquals(9f, l.features[9][0]);
        }
        TrainingData unweighted = DataLoader.load(SPARK, DataSpec.of("csv", csv(10).toString()), 0, 4);
        assertFalse(unweighted.weighted());
        assertEquals(3, unweighted.numFeatures(), "without weight_col, w is a numeric column like any other");
    }

    @Test
    void badWeightsAreErrorsNamingTheColumnAndRow() throws IOException {
        Path negative = dir.resolve("negative.csv");
        Files.writeString(negative, "x,label,w\n1,0,1\n2,1,-0.5\n");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", negative.toString()).withWeightCol("w")));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("sample weight is not a finite number "
                + ">= 0 (got -0.5)"), e.getMessage());
        DataValidationException missing = assertThrows(DataValidationException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", negative.toString()).withWeightCol("weight")));
        assertTrue(missing.getMessage().startsWith("No weight column 'weight'"), missing.getMessage());
        assertThrows(DataValidationException.class, () -> DataSpec.of("idx", "/x").withWeightCol("w"));
    }

    @Test
    void validationSplitHoldsOutTheLastRowsWhateverThePartitioning() throws IOException {
        DataSpec spec = DataSpec.of("csv", csv(103).toString()).withWeightCol("w");
        long checksum = 0;
        for (int partitions : new int[] {1, 4}) {
            ValidationSplit split = ValidationSplit.of(DataLoader.load(SPARK, spec, partitions, 7), 0.2);
            // Keras: split_at = floor(103 * 0.8) = 82.
            Loaded train = Loaded.check(split.train(), 7);
            Loaded validation = Loaded.check(split.validation(), 7);
            assertEquals(82, split.train().rows());
            assertEquals(21, split.validation().rows());
            for (int i = 0; i < 82; i++) {
                assertEquals(i, train.features[i][0]);
            }
            for (int i = 0; i < 21; i++) {
                assertEquals(82 + i, validation.features[i][0], "validation row " + i);
                assertEquals((82 + i) % 3, validation.labels[i]);
                assertEquals(((82 + i) % 4) / 2f, weightsOf(split.validation())[i]);
            }
            assertTrue(split.validation().weighted());
            if (partitions == 1) {
                checksum = split.train().checksum();
            } else {
                assertEquals(checksum, split.train().checksum(), "the training part's checksum as with 1 partition");
            }
        }
    }

    @Test
    void aSplitLeavingNoRowsOnOneSideIsKerasError() throws IOException {
        TrainingData four = DataLoader.load(SPARK, DataSpec.of("csv", csv(4).toString()), 0, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSplit.of(four,
                0.9));
        assertEquals("Training data contains 4 samples, which is not sufficient to split it into a validation and "
                + "training set as specified by `validation_split=0.9`. Either provide more data, or a different value "
                + "for the `validation_split` argument.", e.getMessage());
    }
}
