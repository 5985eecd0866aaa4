package org.sparkadadelta.spark.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
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
 * An Arrow IPC file of one row per tensor: utf8 columns that name and describe it, its {@code shape}
 * (list&lt;int64&gt;) and its row-major values (list&lt;float32&gt; or list&lt;float64&gt;), as
 * {@code weights.arrow} and a checkpoint's {@code state.arrow} are. The same rows give the same bytes.
 */
public final class TensorTable {
    public static final ArrowType INT64 = new ArrowType.Int(64, true);
    public static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    public static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

    private TensorTable() {
    }

    /** A schema whose metadata is ordered, so that its bytes do not change from JVM to JVM (Map.of's order does). */
    public static Schema schema(List<Field> columns, Map<String, String> metadata) {
        return new Schema(columns, new TreeMap<>(metadata));
    }

    public static Field utf8(String name, boolean nullable) {
        return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, null), null);
    }

    /** A list column whose elements are named {@code item}, as pyarrow names them. */
    public static Field list(String name, ArrowType element) {
        return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE),
                List.of(new Field("item", FieldType.notNullable(element), null)));
    }

    /** Fills the rows of a table being written, one {@link Row#next()} per row. */
    @FunctionalInterface
    public interface Rows {
        void writeTo(Row row);
    }

    /** Reads the rows of a table, one call per row. */
    @FunctionalInterface
    public interface RowReader {
        void read(Row row);
    }

    /** Writes one record batch of {@code schema}, the rows {@code rows} fills in; flushes {@code out}, does not close it. */
    public static void write(OutputStream out, Schema schema, Rows rows) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            Row row = new Row(root);
            rows.writeTo(row);
            root.setRowCount(row.index + 1);
            ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out));
            writer.start();
            writer.writeBatch();
            // end() writes the footer; close() would also close the caller's stream.
            writer.end();
        }
        out.flush();
    }

    /**
     * Reads a whole file: its schema goes to {@code checkSchema} (which throws to refuse it), then each row of
     * each batch to {@code rows}.
     */
    public static void read(byte[] bytes, Consumer<Schema> checkSchema, RowReader rows) throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            checkSchema.accept(root.getSchema());
            Row row = new Row(root);
            while (reader.loadNextBatch()) {
                for (row.index = 0; row.index < root.getRowCount(); row.index++) {
                    rows.read(row);
                }
            }
        }
    }

    /** One row of a table being written or read, its cells addressed by column name. */
    public static final class Row {
        private final VectorSchemaRoot root;
        private int index = -1;

        private Row(VectorSchemaRoot root) {
            this.root = root;
        }

        /** The row number within its batch. */
        public int index() {
            return index;
        }

        /** Moves on to the next row to write. */
        public Row next() {
            index++;
            return this;
        }

        /** Sets a utf8 cell; null is a null cell. */
        public Row string(String column, String value) {
            VarCharVector vector = (VarCharVector) root.getVector(column);
            if (value == null) {
                vector.setNull(index);
            } else {
                vector.setSafe(index, value.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        public Row longs(String column, long[] values) {
            return this.<BigIntVector>setList(column, values.length,
                    (elements, at, i) -> elements.setSafe(at, values[i]));
        }

        /** Sets a list&lt;float32&gt; cell to {@code values[offset, offset + length)}. */
        public Row floats(String column, float[] values, int offset, int length) {
            return this.<Float4Vector>setList(column, length,
                    (elements, at, i) -> elements.setSafe(at, values[offset + i]));
        }

        public Row doubles(String column, double[] values) {
            return this.<Float8Vector>setList(column, values.length,
                    (elements, at, i) -> elements.setSafe(at, values[i]));
        }

        /** A utf8 cell; null for a null cell. */
        public String string(String column) {
            VarCharVector vector = (VarCharVector) root.getVector(column);
            return vector.isNull(index) ? null : new String(vector.get(index), StandardCharsets.UTF_8);
        }

        public long[] longs(String column) {
            long[] out = new long[length(column)];
            this.<BigIntVector>forEachElement(column, (elements, at, i) -> out[i] = elements.get(at));
            return out;
        }

        public float[] floats(String column) {
            float[] out = new float[length(column)];
            this.<Float4Vector>forEachElement(column, (elements, at, i) -> out[i] = elements.get(at));
            return out;
        }

        public double[] doubles(String column) {
            double[] out = new double[length(column)];
            this.<Float8Vector>forEachElement(column, (elements, at, i) -> out[i] = elements.get(at));
            return out;
        }

        /** What to do with element {@code i} of a list cell, at {@code at} in the list's element vector. */
        @FunctionalInterface
        private interface Element<V> {
            void visit(V elements, int at, int i);
        }

        /** Writes this row's cell of a list column: {@code length} elements, each set by {@code set}. */
        private <V> Row setList(String column, int length, Element<V> set) {
            ListVector list = (ListVector) root.getVector(column);
            @SuppressWarnings("unchecked")
            V elements = (V) list.getDataVector();
            int start = list.startNewValue(index);
            for (int i = 0; i < length; i++) {
                set.visit(elements, start + i, i);
            }
            list.endValue(index, length);
            return this;
        }

        private int length(String column) {
            ListVector list = (ListVector) root.getVector(column);
            return list.getElementEndIndex(index) - list.getElementStartIndex(index);
        }

        /** Visits each element of this row's cell of a list column, in order. */
        private <V> void forEachElement(String column, Element<V> visit) {
            ListVector list = (ListVector) root.getVector(column);
            @SuppressWarnings("unchecked")
            V elements = (V) list.getDataVector();
            int start = list.getElementStartIndex(index);
            int end = list.getElementEndIndex(index);
            for (int i = 0; i < end - start; i++) {
                visit.visit(elements, start + i, i);
            }
        }
    }
}
