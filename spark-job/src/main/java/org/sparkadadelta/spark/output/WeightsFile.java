package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.model.ParameterLayout;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * The model's weights as an Arrow IPC file ({@code weights.arrow}): one row per variable, in layout order,
 * with columns {@code path} (utf8, e.g. {@code dense_1/kernel}), {@code name} (utf8), {@code shape}
 * (list&lt;int64&gt;), {@code dtype} (utf8, {@code float32}) and {@code values} (list&lt;float32&gt;, row-major,
 * bit for bit as trained, NaN payloads and signed zeros included).
 *
 * <p>In Python:
 * <pre>{@code
 * import pyarrow as pa
 * t = pa.ipc.open_file("weights.arrow").read_all()
 * weights = {t["path"][i].as_py(): t["values"][i].values.to_numpy().reshape(t["shape"][i].as_py())
 *            for i in range(t.num_rows)}
 * }</pre>
 */
public final class WeightsFile {
    public static final String FILE_NAME = "weights.arrow";
    public static final String DTYPE = "float32";
    // Ordered: Map.of's iteration order changes from JVM to JVM, and with it the file's bytes and checksum.
    private static final Map<String, String> METADATA = new java.util.TreeMap<>(Map.of("format",
            "spark-adadelta-weights", "format_version", "1"));

    /** Weights read back, with the layout the file describes (offsets assigned in file order). */
    public record Contents(ParameterLayout layout, float[] values) {
    }

    private WeightsFile() {
    }

    static Schema schema() {
        return new Schema(List.of(utf8("path"), utf8("name"),
                list("shape", new ArrowType.Int(64, true)),
                utf8("dtype"),
                list("values", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))), METADATA);
    }

    private static Field utf8(String name) {
        return new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null);
    }

    private static Field list(String name, ArrowType element) {
        // "item" is the element name pyarrow uses.
        return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE),
                List.of(new Field("item", FieldType.notNullable(element), null)));
    }

    /** Writes {@code weights} laid out as {@code layout}; flushes {@code out} but does not close it. */
    public static void write(OutputStream out, ParameterLayout layout, float[] weights) throws IOException {
        checkSize(layout, weights);
        List<VariableSpec> vars = layout.variables();
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator)) {
            root.allocateNew();
            for (int row = 0; row < vars.size(); row++) {
                VariableSpec v = vars.get(row);
                setString(root, "path", row, v.path());
                setString(root, "name", row, v.name());
                setString(root, "dtype", row, DTYPE);
                setShape((ListVector) root.getVector("shape"), row, v.shape());
                setValues((ListVector) root.getVector("values"), row, weights, v.offset(), v.size());
            }
            root.setRowCount(vars.size());
            ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out));
            writer.start();
            writer.writeBatch();
            // end() writes the footer; close() would also close the caller's stream.
            writer.end();
        }
        out.flush();
    }

    static void checkSize(ParameterLayout layout, float[] weights) {
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("The layout has " + layout.size() + " parameters, the weights "
                    + weights.length);
        }
    }

    private static void setString(VectorSchemaRoot root, String column, int row, String value) {
        ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void setShape(ListVector list, int row, long[] shape) {
        BigIntVector dims = (BigIntVector) list.getDataVector();
        int start = list.startNewValue(row);
        for (int i = 0; i < shape.length; i++) {
            dims.setSafe(start + i, shape[i]);
        }
        list.endValue(row, shape.length);
    }

    private static void setValues(ListVector list, int row, float[] weights, int offset, int size) {
        Float4Vector values = (Float4Vector) list.getDataVector();
        int start = list.startNewValue(row);
        for (int i = 0; i < size; i++) {
            values.setSafe(start + i, weights[offset + i]);
        }
        list.endValue(row, size);
    }

    /** Reads a weights file (the whole stream, which is not closed). */
    public static Contents read(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        ParameterLayout.Builder layout = ParameterLayout.builder();
        List<float[]> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            checkSchema(root.getSchema());
            while (reader.loadNextBatch()) {
                for (int row = 0; row < root.getRowCount(); row++) {
                    rows.add(readRow(root, row, layout));
                }
            }
        }
        return new Contents(layout.build(), concat(rows));
    }

    /**
     * Reads a weights file and checks that it holds exactly the variables of {@code expected} (paths and
     * shapes, in order).
     *
     * @throws IllegalArgumentException naming the first difference
     */
    public static float[] read(InputStream in, ParameterLayout expected) throws IOException {
        Contents contents = read(in);
        checkLayout(contents.layout(), expected);
        return contents.values();
    }

    /** {@link #read(InputStream, ParameterLayout)} of a file on any Hadoop file system. */
    public static float[] read(Path file, Configuration conf, ParameterLayout expected) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        try (InputStream in = fs.open(file)) {
            return read(in, expected);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Checks column names and types (not nullability, which other writers such as pyarrow set freely). */
    private static void checkSchema(Schema schema) {
        List<String> expected = schema().getFields().stream().map(WeightsFile::columnType).toList();
        List<String> found = schema.getFields().stream().map(WeightsFile::columnType).toList();
        if (!found.equals(expected)) {
            throw new IllegalArgumentException("Not a weights file: expected columns " + expected + ", found " + found);
        }
    }

    private static String columnType(Field f) {
        return f.getName() + ": " + f.getType() + f.getChildren().stream().map(c -> c.getType().toString()).toList();
    }

    private static float[] readRow(VectorSchemaRoot root, int row, ParameterLayout.Builder layout) {
        String path = root.getVector("path").getObject(row).toString();
        String dtype = root.getVector("dtype").getObject(row).toString();
        if (!dtype.equals(DTYPE)) {
            throw new IllegalArgumentException("Variable '" + path + "' has dtype " + dtype + ", expected " + DTYPE);
        }
        long[] shape = readShape((ListVector) root.getVector("shape"), row);
        layout.add(root.getVector("name").getObject(row).toString(), path, shape);
        ListVector list = (ListVector) root.getVector("values");
        Float4Vector values = (Float4Vector) list.getDataVector();
        int start = list.getElementStartIndex(row);
        float[] out = new float[list.getElementEndIndex(row) - start];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(start + i);
        }
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (out.length != expected) {
            throw new IllegalArgumentException("Variable '" + path + "' of shape " + Arrays.toString(shape)
                    + " has " + out.length + " values");
        }
        return out;
    }

    private static long[] readShape(ListVector list, int row) {
        BigIntVector dims = (BigIntVector) list.getDataVector();
        int start = list.getElementStartIndex(row);
        long[] shape = new long[list.getElementEndIndex(row) - start];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(start + i);
        }
        return shape;
    }

    private static float[] concat(List<float[]> rows) {
        float[] all = new float[rows.stream().mapToInt(r -> r.length).sum()];
        int at = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        return all;
    }

    static void checkLayout(ParameterLayout actual, ParameterLayout expected) {
        List<VariableSpec> a = actual.variables();
        List<VariableSpec> e = expected.variables();
        for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
            VariableSpec found = i < a.size() ? a.get(i) : null;
            VariableSpec wanted = i < e.size() ? e.get(i) : null;
            boolean same = found != null && wanted != null && found.path().equals(wanted.path())
                    && Arrays.equals(found.shape(), wanted.shape());
            if (!same) {
                throw new IllegalArgumentException("The weights do not match the model at variable " + i
                        + ": expected " + describe(wanted) + ", found " + describe(found)
                        + " (model: " + e + ", file: " + a + ")");
            }
        }
    }

    private static String describe(VariableSpec v) {
        return v == null ? "no variable" : v.toString();
    }
}
