package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The rows of one Arrow IPC file, read batch by batch, its columns chosen by the rules of {@link ColumnChoice}.
 * Rows are numbered within the file for messages.
 * Owns its allocator and reader: closed at the end of the file, or by the task's end if that comes first.
 */
final class ArrowFileCursor implements RowCursor, AutoCloseable {
    private final String file;
    private final BufferAllocator allocator;
    private final ArrowReader reader;
    private final ColumnChoice choice;
    private final ValueVector labelVector;
    private final ArrowFloats.Getter label;
    private final ValueVector[] columnVectors;
    private final ArrowFloats.Getter[] columns;
    private final BaseListVector list;
    private final ValueVector elementVector;
    private final ArrowFloats.Getter elements;
    private int batchRow;
    private int batchRows;
    private long fileRow = -1;
    private boolean closed;

    private ArrowFileCursor(String file, BufferAllocator allocator, ArrowReader reader, ColumnChoice choice)
            throws IOException {
        this.file = file;
        this.allocator = allocator;
        this.reader = reader;
        this.choice = choice;
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        labelVector = root.getVector(choice.label());
        label = ArrowFloats.getter(labelVector);
        if (choice.vector()) {
            list = (BaseListVector) root.getVector(choice.features().get(0));
            elementVector = ArrowFloats.elements(list);
            elements = ArrowFloats.getter(elementVector);
            columnVectors = new ValueVector[0];
        } else {
            list = null;
            elementVector = null;
            elements = null;
            columnVectors = choice.features().stream().map(root::getVector).toArray(ValueVector[]::new);
        }
        columns = Arrays.stream(columnVectors).map(ArrowFloats::getter).toArray(ArrowFloats.Getter[]::new);
    }

    /** Opens the file and checks its schema against the column settings. */
    static ArrowFileCursor open(HadoopConf conf, String file, String featuresCol, List<String> featureCols,
            String labelCol) {
        BufferAllocator allocator = new RootAllocator();
        ArrowReader reader = null;
        try {
            reader = ArrowIpcFiles.open(conf, file, allocator);
            List<ColumnChoice.Column> available = reader.getVectorSchemaRoot().getSchema().getFields().stream()
                    .map(ArrowFloats::column).toList();
            ColumnChoice choice = ColumnChoice.choose(available, featuresCol, featureCols, labelCol, "file " + file);
            return new ArrowFileCursor(file, allocator, reader, choice);
        } catch (IOException | RuntimeException e) {
            closeAll(reader, allocator);
            if (e instanceof DataValidationException d) {
                throw d;
            }
            throw DataFileException.of(file, "not a readable Arrow IPC file: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean advance() {
        fileRow++;
        batchRow++;
        try {
            while (batchRow >= batchRows) {
                if (closed || !reader.loadNextBatch()) {
                    close();
                    return false;
                }
                batchRows = reader.getVectorSchemaRoot().getRowCount();
                batchRow = 0;
            }
        } catch (IOException e) {
            close();
            throw new DataFileException(file, "row " + (fileRow + 1), "cannot read its record batch: " + e.getMessage(),
                    e);
        }
        return true;
    }

    @Override
    public int cols() {
        if (list == null) {
            return columns.length;
        }
        notNull(list, choice.features().get(0));
        return list.getElementEndIndex(batchRow) - list.getElementStartIndex(batchRow);
    }

    @Override
    public void readFeatures(float[] dst, int offset) {
        if (list == null) {
            for (int i = 0; i < columns.length; i++) {
                notNull(columnVectors[i], choice.features().get(i));
                dst[offset + i] = columns[i].get(batchRow);
            }
            return;
        }
        int start = list.getElementStartIndex(batchRow);
        int end = list.getElementEndIndex(batchRow);
        for (int k = start; k < end; k++) {
            if (elementVector.isNull(k)) {
                throw error("feature " + featureName(k - start) + " is null");
            }
            dst[offset + k - start] = elements.get(k);
        }
    }

    @Override
    public float label() {
        notNull(labelVector, choice.label());
        return label.get(batchRow);
    }

    private void notNull(ValueVector v, String name) {
        if (v.isNull(batchRow)) {
            throw error("column '" + name + "' is null");
        }
    }

    @Override
    public String featureName(int index) {
        return choice.featureName(index);
    }

    @Override
    public DataValidationException error(String problem) {
        return DataFileException.atRow(file, fileRow, problem);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeAll(reader, allocator);
        }
    }

    /** Reader first: it frees the batch buffers the allocator would otherwise report as leaked. */
    private static void closeAll(ArrowReader reader, BufferAllocator allocator) {
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            allocator.close();
        }
    }
}
