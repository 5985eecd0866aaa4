package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.spark.files.FileChecksums;

/**
 * {@code manifest.json}: what a run's output directory holds and how it was produced. Pretty JSON with
 * floats as Python writes them:
 * <pre>{@code
 * {
 *   "format" : "spark-adadelta-run",
 *   "format_version" : 1,
 *   "run_name" : "...",
 *   "created" : "2025-01-31T12:00:00.123Z",
 *   "model" : { ... as given ... },
 *   "variables" : [ { "path" : "dense/kernel", "name" : "kernel", "shape" : [ 784, 128 ],
 *                     "dtype" : "float32", "offset" : 0 }, ... ],
 *   "optimizer" : { "module" : "keras.optimizers", "class_name" : "Adadelta", "config" : { ... }, ... },
 *   "optimizer_iterations" : { "iterations" : 7035, "raw_iterations" : 7035 },
 *   "dataset" : { ... as given ... },
 *   "metrics" : { ... as given ... },
 *   "files" : [ { "name" : "weights.arrow", "size" : 407680, "sha256" : "..." }, ... ]
 * }
 * }</pre>
 * {@code offset} is the variable's position in the flat weight vector; {@code files} lists every other file
 * of the directory except {@code _SUCCESS} (written after the manifest).
 */
public final class Manifest {
    public static final String FILE_NAME = "manifest.json";
    public static final String FORMAT = "spark-adadelta-run";
    public static final int FORMAT_VERSION = 1;

    private Manifest() {
    }

    /** Writes the manifest; flushes {@code out} but does not close it. */
    public static void write(RunResult run, Instant created, List<FileChecksums.Entry> files, OutputStream out)
            throws IOException {
        MetricsJson.writeJson(toMap(run, created, files), out);
    }

    static Map<String, Object> toMap(RunResult run, Instant created, List<FileChecksums.Entry> files) {
        OptimizerState opt = run.optimizer();
        return object("format", FORMAT,
                "format_version", FORMAT_VERSION,
                "run_name", run.runName(),
                "created", created.truncatedTo(ChronoUnit.MILLIS).toString(),
                "model", run.model(),
                "variables", run.layout().variables().stream().map(v -> object("path", v.path(), "name", v.name(),
                        "shape", v.shape(), "dtype", WeightsFile.DTYPE, "offset", v.offset())).toList(),
                "optimizer", opt.kerasConfig(),
                "optimizer_iterations", object("iterations", opt.iterations(), "raw_iterations", opt.rawIterations()),
                "dataset", run.dataset(),
                "metrics", run.metrics(),
                "files", files.stream().map(f -> object("name", f.name(), "size", f.size(), "sha256", f.sha256()))
                        .toList());
    }

    /** A JSON object with keys in the given order. */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Reads a manifest as JSON values (the stream is not closed). */
    public static Map<String, Object> read(InputStream in) throws IOException {
        return MetricsJson.read(in);
    }
}
