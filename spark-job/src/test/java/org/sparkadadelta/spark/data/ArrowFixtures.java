package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes small Arrow IPC files for tests, batch by batch, with Arrow's own writers. */
final class ArrowFixtures {
    private ArrowFixtures() {
    }

    enum Format { FILE, FILE_ZSTD, STREAM }

    /** Sets row {@code row} (global) at position {@code index} of the current batch. */
    interface RowWriter {
        void write(VectorSchemaRoot root, int index, int row);
    }

    static final ArrowType FLOAT = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

    static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    static Field list(String name, ArrowType listType, ArrowType element) {
        return new Field(name, FieldType.nullable(listType), List.of(field("item", element)));
    }

    static void write(Path file, Schema schema, Format format, int rows, int batchRows, RowWriter rowWriter)
            throws IOException {
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                OutputStream out = Files.newOutputStream(file);
                ArrowWriter writer = writer(root, format, out)) {
            writer.start();
            for (int first = 0; first < rows; first += batchRows) {
                int n = Math.min(batchRows, rows - first);
                root.allocateNew();
                for (int i = 0; i < n; i++) {
                    rowWriter.write(root, i, first + i);
                }
                root.setRowCount(n);
                writer.writeBatch();
            }
            writer.end();
        }
    }

    private static ArrowWriter writer(VectorSchemaRoot root, Format format, OutputStream out) {
        return switch (format) {
            case STREAM -> new ArrowStreamWriter(root, null, out);
            case FILE -> new ArrowFileWriter(root, null, Channels.newChannel(out));
            case FILE_ZSTD -> new ArrowFileWriter(root, null, Channels.newChannel(out), Map.of(),
                    IpcOption.DEFAULT, CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD);
        };
    }
}
