package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataSpecTest {
    @Test
    void defaultsPerFormat() {
        DataSpec parquet = DataSpec.of("Parquet", "/data/x");
        assertEquals("parquet", parquet.format());
        assertEquals("features", parquet.featuresCol());
        assertEquals("label", parquet.labelCol());
        assertEquals(0, parquet.numFeatures());
        assertEquals(List.of(), parquet.featureCols());
        assertNull(DataSpec.of("csv", "/data/x.csv").featuresCol(), "CSV features are its numeric columns");
    }

    @Test
    void blankColumnsMeanDefaults() {
        DataSpec spec = new DataSpec("csv", "x.csv", " ", null, "", 0, null);
        assertNull(spec.featuresCol());
        assertEquals("label", spec.labelCol());
        assertEquals(Map.of(), spec.options());
    }

    @Test
    void unknownFormatListsTheKnownOnes() {
        DataValidationException e = assertThrows(DataValidationException.class, () -> DataSpec.of("json", "x"));
        assertEquals("Unknown data format 'json'; expected one of parquet, csv, libsvm, arrow, idx", e.getMessage());
    }

    @Test
    void missingPathAndNegativeFeatureCount() {
        assertEquals("No data path given for csv data",
                assertThrows(DataValidationException.class, () -> DataSpec.of("csv", " ")).getMessage());
        assertThrows(DataValidationException.class, () -> DataSpec.of("csv", "x").withNumFeatures(-1));
    }

    @Test
    void describeSaysWhatIsRead() {
        DataSpec spec = DataSpec.of("csv", "/d/x.csv").withFeatureCols(List.of("a", "b")).withLabelCol("y")
                .withNumFeatures(2).withOption("sep", ";");
        assertEquals("csv data at /d/x.csv (features: columns [a, b], label: y, 2 features, options {sep=;})",
                spec.describe());
        assertEquals("parquet data at /p (features: column 'features', label: label)",
                DataSpec.of("parquet", "/p").describe());
        assertEquals("idx data at /m (options {split=t10k})", DataSpec.of("idx", "/m").withOption("split", "t10k")
                .describe());
        assertEquals("t10k", DataSpec.of("idx", "/m").withOptions(Map.of("split", "t10k")).option("split", "train"));
    }
}
