package org.sparkadadelta.spark.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.sparkadadelta.spark.files.TensorTable;

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
        return TensorTable.schema(List.of(TensorTable.utf8("kind", false), TensorTable.utf8("path", false),
                TensorTable.utf8("name", false), TensorTable.utf8("role", true),
                TensorTable.utf8("model_variable", true), TensorTable.utf8("dtype", false),
                TensorTable.list("shape", TensorTable.INT64), TensorTable.list("values", TensorTable.FLOAT64)),
                Map.of("format", "spark-adadelta-checkpoint-state", "format_version", "1"));
    }

    /** Writes the tensors; flushes {@code out} but does not close it. */
    public static void write(OutputStream out, Contents contents) throws IOException {
        TensorTable.write(out, schema(), row -> {
            contents.weights().forEach(t -> setRow(row.next(), WEIGHT, t));
            contents.optimizer().forEach(t -> setRow(row.next(), OPTIMIZER, t));
        });
    }

    private static void setRow(TensorTable.Row row, String kind, SavedTensor t) {
        row.string("kind", kind).string("path", t.path()).string("name", t.name()).string("role", t.role())
                .string("model_variable", t.modelVariable()).string("dtype", t.dtype()).longs("shape", t.shape())
                .doubles("values", t.values());
    }

    /**
     * Parses a whole file.
     *
     * @throws IllegalArgumentException if the columns or a row are not as written by {@link #write}
     */
    public static Contents read(byte[] bytes) throws IOException {
        List<SavedTensor> weights = new ArrayList<>();
        List<SavedTensor> optimizer = new ArrayList<>();
        TensorTable.read(bytes, schema -> {
            if (!schema.getFields().equals(schema().getFields())) {
                throw new IllegalArgumentException("Unexpected columns " + schema.getFields());
            }
        }, row -> {
            String kind = row.string("kind");
            if (!kind.equals(WEIGHT) && !kind.equals(OPTIMIZER)) {
                throw new IllegalArgumentException("Row " + row.index() + " has unknown kind '" + kind + "'");
            }
            (kind.equals(WEIGHT) ? weights : optimizer).add(new SavedTensor(row.string("path"), row.string("name"),
                    row.string("role"), row.string("model_variable"), row.string("dtype"), row.longs("shape"),
                    row.doubles("values")));
        });
        return new Contents(weights, optimizer);
    }
}
