package org.sparkadadelta.spark.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.files.FileChecksums;
import org.sparkadadelta.spark.output.Manifest;
import org.sparkadadelta.spark.output.OptimizerState;
import org.sparkadadelta.spark.output.WeightsFile;

/** A job's output directory: {@code manifest.json} says what the model is, {@code weights.arrow} holds it. */
final class RunDirectory {
    private RunDirectory() {
    }

    static TrainedModel read(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            throw new IllegalArgumentException("The model path " + dir + " does not exist");
        }
        Path manifestFile = new Path(dir, Manifest.FILE_NAME);
        if (!fs.isFile(manifestFile)) {
            throw new IllegalArgumentException(dir + " is not a spark-adadelta model: it has no "
                    + Manifest.FILE_NAME + " (expected a job's output directory or a " + KerasModelFile.EXTENSION
                    + " file)");
        }
        Map<String, Object> manifest;
        try (InputStream in = fs.open(manifestFile)) {
            manifest = Manifest.read(in);
        } catch (RuntimeException e) { // Jackson's and our parser's: not JSON
            throw new IllegalArgumentException(manifestFile + ": not a manifest: " + e.getMessage(), e);
        }
        if (!Manifest.FORMAT.equals(manifest.get("format"))) {
            throw new IllegalArgumentException(manifestFile + ": not a " + Manifest.FORMAT + " manifest (format "
                    + manifest.get("format") + ")");
        }
        int features = features(manifest, manifestFile);
        ModelSpec spec;
        try {
            spec = ModelSpec.describedBy(map(manifest.get("model")), features);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(manifestFile + ": " + e.getMessage(), e);
        }
        Path weightsFile = new Path(dir, WeightsFile.FILE_NAME);
        checkDigest(fs, weightsFile, manifest);
        float[] weights;
        try {
            weights = WeightsFile.read(weightsFile, conf, spec.build(features).layout());
        } catch (IOException | RuntimeException e) { // Arrow's own exceptions for a damaged file
            throw new IllegalArgumentException(weightsFile + ": cannot read the weights: " + e.getMessage(), e);
        }
        Map<String, Object> iterations = map(manifest.get("optimizer_iterations"));
        OptimizerState optimizer = manifest.get("optimizer") instanceof Map<?, ?> ? new OptimizerState(
                map(manifest.get("optimizer")), number(iterations.get("iterations")),
                number(iterations.get("raw_iterations"))) : null;
        Map<String, Object> metrics = new LinkedHashMap<>(map(manifest.get("metrics")));
        // JSON reads small counts as Integer; the trainer reports them as Long.
        metrics.replaceAll((k, v) -> v instanceof Integer i ? Long.valueOf(i) : v);
        return new TrainedModel(String.valueOf(manifest.get("run_name")), spec, features, weights, optimizer,
                metrics);
    }

    /** The input width: the first kernel's first dimension. */
    private static int features(Map<String, Object> manifest, Path file) {
        if (manifest.get("variables") instanceof List<?> vars && !vars.isEmpty()
                && vars.get(0) instanceof Map<?, ?> first && first.get("shape") instanceof List<?> shape
                && shape.size() == 2 && shape.get(0) instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException(file + ": its 'variables' do not start with a dense kernel");
    }

    /** A damaged weights file is refused before it is parsed, when the manifest lists its digest. */
    private static void checkDigest(FileSystem fs, Path weightsFile, Map<String, Object> manifest)
            throws IOException {
        if (!fs.isFile(weightsFile)) {
            throw new IllegalArgumentException(weightsFile + " is missing");
        }
        if (!(manifest.get("files") instanceof List<?> files)) {
            return;
        }
        for (Object f : files) {
            if (f instanceof Map<?, ?> entry && WeightsFile.FILE_NAME.equals(entry.get("name"))
                    && entry.get("sha256") instanceof String expected) {
                String actual = FileChecksums.sha256(fs, weightsFile);
                if (!expected.equals(actual)) {
                    throw new IllegalArgumentException(weightsFile + " is corrupt: its SHA-256 is " + actual
                            + ", the manifest says " + expected);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
