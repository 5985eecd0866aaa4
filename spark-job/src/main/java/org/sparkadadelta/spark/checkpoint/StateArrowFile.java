package org.sparkadadelta.spark.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * {@code state.arrow}: an Arrow IPC file with one row per tensor, model weights first (kind {@code weight},
 * layout order) then optimizer tensors (kind {@code optimizer}, Keras order). Columns: {@code kind},
 * {@code path}, {@code name}, {@code role} (null for weights), {@code model_variable} (nullable),
 * {@code dtype} (utf8), {@code shape} (list&lt;int64&gt;), {@code values} (list&lt;float64&gt;, row-major).
 */
public final class StateArrowFile {
    public static final String FILE_NAME = "state.arrow";
    static final String WEIGHT = "weight";
    static final String OPTIMIZER = "optimizer";

    /** The tensors of a file, split by kind. */
    public record Contents(List<SavedTensor> weights, List<SavedTensor> optimizer) {
    }

    private StateArrowFile() {
    }

    static Schema schema() {
        return new Schema(List.of(utf8("kind", false), utf8("path", false), utf8("name", false),
                utf8("role", true), utf8("model_variable", true), utf8("dtype", false),
                list("shape", new ArrowType.Int(64, true)),
                list("values", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))),
                // Ordered, so that identical states give identical bytes (Map.of's order varies per JVM).
                new java.util.TreeMap<>(Map.of("format", "spark-adadelta-checkpoint-state", "format_version", "1")));
    }

    private static Field utf8(String name, boolean nullable) {
        return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, null), null);
    }

    private static Field list(String name, ArrowType element) {
        return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE),
                List.of(new Field("item", FieldType.notNullable(element), null)));
    }

    /** Writes the tensors; flushes {@code out} but does not close it. */
    public static void write(OutputStream out, Contents contents) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator)) {
            root.allocateNew();
            int row = 0;
            for (SavedTensor t : contents.weights()) {
                setRow(root, row++, WEIGHT, t);
            }
            for (SavedTensor t : contents.optimizer()) {
                setRow(root, row++, OPTIMIZER, t);
            }
            root.setRowCount(row);
            ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out));
            writer.start();
            writer.writeBatch();
            // end() writes the footer; close() would also close the caller's stream.
            writer.end();
        }
        out.flush();
    }

    private static void setRow(VectorSchemaRoot root, int row, String kind, SavedTensor t) {
        setString(root, "kind", row, kind);
        setString(root, "path", row, t.path());
        setString(root, "name", row, t.name());
        setString(root, "role", row, t.role());
        setString(root, "model_variable", row, t.modelVariable());
        setString(root, "dtype", row, t.dtype());
        ListVector shape = (ListVector) root.getVector("shape");
        int start = shape.startNewValue(row);
        for (int i = 0; i < t.shape().length; i++) {
            ((BigIntVector) shape.getDataVector()).setSafe(start + i, t.shape()[i]);
        }
        shape.endValue(row, t.shape().length);
        ListVector values = (ListVector) root.getVector("values");
        start = values.startNewValue(row);
        for (int i = 0; i < t.values().length; i++) {
            ((Float8Vector) values.getDataVector()).setSafe(start + i, t.values()[i]);
        }
        values.endValue(row, t.values().length);
    }

    private static void setString(VectorSchemaRoot root, String column, int row, String value) {
        VarCharVector vector = (VarCharVector) root.getVector(column);
        if (value == null) {
            vector.setNull(row);
        } else {
            vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Parses a whole file.
     *
     * @throws IllegalArgumentException if the columns or a row are not as written by {@link #write}
     */
    public static Contents read(byte[] bytes) throws IOException {
        List<SavedTensor> weights = new ArrayList<>();
        List<SavedTensor> optimizer = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            if (!root.getSchema().getFields().equals(schema().getFields())) {
                throw new IllegalArgumentException("Unexpected columns " + root.getSchema().getFields());
            }
            while (reader.loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    String kind = getString(root, "kind", row);
                    if (!kind.equals(WEIGHT) && !kind.equals(OPTIMIZER)) {
                        throw new IllegalArgumentException("Row " + row + " has unknown kind '" + kind + "'");
                    }
                    (kind.equals(WEIGHT) ? weights : optimizer).add(readRow(root, row));
                }
            }
        }
        return new Contents(weights, optimizer);
    }

    private static SavedTensor readRow(VectorSchemaRoot root, int row) {
        ListVector shapeList = (ListVector) root.getVector("shape");
        int start = shapeList.getElementStartIndex(row);
        long[] shape = new long[shapeList.getElementEndIndex(row) - start];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((BigIntVector) shapeList.getDataVector()).get(start + i);
        }
        ListVector valueList = (ListVector) root.getVector("values");
        start = valueList.getElementStartIndex(row);
        double[] values = new double[valueList.getElementEndIndex(row) - start];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((Float8Vector) valueList.getDataVector()).get(start + i);
        }
        return new SavedTensor(getString(root, "path", row), getString(root, "name", row),
                getString(root, "role", row), getString(root, "model_variable", row), getString(root, "dtype", row),
                shape, values);
    }

    private static String getString(VectorSchemaRoot root, String column, int row) {
        VarCharVector vector = (VarCharVector) root.getVector(column);
        return vector.isNull(row) ? null : new String(vector.get(row), StandardCharsets.UTF_8);
    }
}
