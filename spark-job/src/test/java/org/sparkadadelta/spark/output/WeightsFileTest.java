package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

class WeightsFileTest {
    private final ParameterLayout layout = SampleRuns.layout();
    private final float[] weights = SampleRuns.weights(layout);

    private byte[] written() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WeightsFile.write(out, layout, weights);
        return out.toByteArray();
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void roundTripsBitForBitWithTheLayout() throws IOException {
        WeightsFile.Contents back = WeightsFile.read(new ByteArrayInputStream(written()));
        assertArrayEquals(bits(weights), bits(back.values()));
        assertEquals(layout.variables(), back.layout().variables());
        assertEquals(0x7fc12345, Float.floatToRawIntBits(back.values()[1]), "NaN payload kept");
        assertEquals(Integer.MIN_VALUE, Float.floatToRawIntBits(back.values()[0]), "-0.0 kept");
    }

    @Test
    void isAnArrowIpcFileWithTheDocumentedColumns() throws IOException {
        byte[] bytes = written();
        String magic = "ARROW1";
        assertEquals(magic, new String(bytes, 0, 6, StandardCharsets.US_ASCII));
        assertEquals(magic, new String(bytes, bytes.length - 6, 6, StandardCharsets.US_ASCII));
        try (RootAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals("[path: Utf8 not null, name: Utf8 not null, shape: List<item: Int(64, true) not null>"
                    + " not null, dtype: Utf8 not null, values: List<item: FloatingPoint(SINGLE) not null> not null]",
                    root.getSchema().getFields().toString());
            assertEquals("spark-adadelta-weights", root.getSchema().getCustomMetadata().get("format"));
            assertTrue(reader.loadNextBatch());
            assertEquals(4, root.getRowCount());
            assertEquals("dense_1/kernel", root.getVector("path").getObject(2).toString());
            assertEquals("kernel", root.getVector("name").getObject(2).toString());
            assertEquals(List.of(3L, 2L), root.getVector("shape").getObject(2));
            assertEquals("float32", root.getVector("dtype").getObject(2).toString());
            assertEquals(6, ((List<?>) root.getVector("values").getObject(2)).size());
        }
    }

    @Test
    void readsThroughHadoopAndChecksTheLayout(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(WeightsFile.FILE_NAME);
        Files.write(file, written());
        float[] back = WeightsFile.read(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration(), layout);
        assertArrayEquals(bits(weights), bits(back));
    }

    /** The sample layout with variable {@code index} replaced, or appended if {@code index} is past the end. */
    private ParameterLayout variant(int index, String path, long... shape) {
        ParameterLayout.Builder b = ParameterLayout.builder();
        List<VariableSpec> vars = layout.variables();
        for (int i = 0; i <= vars.size(); i++) {
            if (i == index) {
                b.add("kernel", path, shape);
            } else if (i < vars.size()) {
                b.add(vars.get(i).name(), vars.get(i).path(), vars.get(i).shape());
            }
        }
        return b.build();
    }

    private String mismatch(ParameterLayout expected) {
        return assertThrows(IllegalArgumentException.class,
                () -> WeightsFile.read(new ByteArrayInputStream(written()), expected)).getMessage();
    }

    @Test
    void reportsAShapeMismatch() {
        String message = mismatch(variant(2, "dense_1/kernel", 2, 3));
        assertTrue(message.contains("variable 2: expected dense_1/kernel[2, 3], found dense_1/kernel[3, 2]"), message);
    }

    @Test
    void reportsAMissingOrRenamedVariable() {
        String missing = mismatch(variant(4, "dense_2/kernel", 2, 1));
        assertTrue(missing.contains("variable 4: expected dense_2/kernel[2, 1], found no variable"), missing);
        String renamed = mismatch(variant(0, "hidden/kernel", 4, 3));
        assertTrue(renamed.contains("variable 0: expected hidden/kernel[4, 3], found dense/kernel[4, 3]"), renamed);
    }

    @Test
    void refusesWeightsOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class,
                () -> WeightsFile.write(new ByteArrayOutputStream(), layout, new float[layout.size() - 1]));
    }
}
