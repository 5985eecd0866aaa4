package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.files.TensorTable;
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
    private static final Map<String, String> METADATA = Map.of("format", "spark-adadelta-weights",
            "format_version", "1");

    /** Weights read back, with the layout the file describes (offsets assigned in file order). */
    public record Contents(ParameterLayout layout, float[] values) {
    }

    private WeightsFile() {
    }

    static Schema schema() {
        return TensorTable.schema(List.of(TensorTable.utf8("path", false), TensorTable.utf8("name", false),
                TensorTable.list("shape", TensorTable.INT64), TensorTable.utf8("dtype", false),
                TensorTable.list("values", TensorTable.FLOAT32)), METADATA);
    }

    /** Writes {@code weights} laid out as {@code layout}; flushes {@code out} but does not close it. */
    public static void write(OutputStream out, ParameterLayout layout, float[] weights) throws IOException {
        checkSize(layout, weights);
        TensorTable.write(out, schema(), row -> {
            for (VariableSpec v : layout.variables()) {
                row.next().string("path", v.path()).string("name", v.name()).string("dtype", DTYPE)
                        .longs("shape", v.shape()).floats("values", weights, v.offset(), v.size());
            }
        });
    }

    static void checkSize(ParameterLayout layout, float[] weights) {
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("The layout has " + layout.size() + " parameters, the weights "
                    + weights.length);
        }
    }

    /** Reads a weights file (the whole stream, which is not closed). */
    public static Contents read(InputStream in) throws IOException {
        ParameterLayout.Builder layout = ParameterLayout.builder();
        List<float[]> rows = new ArrayList<>();
        TensorTable.read(in.readAllBytes(), WeightsFile::checkSchema, row -> rows.add(readRow(row, layout)));
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

    private static float[] readRow(TensorTable.Row row, ParameterLayout.Builder layout) {
        String path = row.string("path");
        String dtype = row.string("dtype");
        if (!dtype.equals(DTYPE)) {
            throw new IllegalArgumentException("Variable '" + path + "' has dtype " + dtype + ", expected " + DTYPE);
        }
        long[] shape = row.longs("shape");
        layout.add(row.string("name"), path, shape);
        float[] out = row.floats("values");
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (out.length != expected) {
            throw new IllegalArgumentException("Variable '" + path + "' of shape " + Arrays.toString(shape)
                    + " has " + out.length + " values");
        }
        return out;
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
