package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.sparkadadelta.optim.config.KerasJson;

/**
 * The final metrics ({@code metrics.json}), e.g. {@code {"test_accuracy": 0.88, "test_loss": 0.31,
 * "train_seconds": 42.5}}: pretty JSON with floats as Python writes them (NaN as {@code NaN}, which
 * Python's {@code json} reads).
 */
public final class MetricsJson {
    public static final String FILE_NAME = "metrics.json";

    private MetricsJson() {
    }

    /** Writes {@code metrics}; flushes {@code out} but does not close it. */
    public static void write(Map<String, Object> metrics, OutputStream out) throws IOException {
        writeJson(metrics, out);
    }

    /** Reads a file written by {@link #write} (the stream is not closed). */
    public static Map<String, Object> read(InputStream in) throws IOException {
        return KerasJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Pretty JSON text in Python's float style, ending with a newline. */
    static void writeJson(Object value, OutputStream out) throws IOException {
        out.write((KerasJson.write(value, true) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
