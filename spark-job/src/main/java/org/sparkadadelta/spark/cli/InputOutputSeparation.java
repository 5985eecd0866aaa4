package org.sparkadadelta.spark.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.data.DataSpec;

/**
 * Refuses an {@code output.path} or {@code checkpoint.path} that is an input (training, validation or test
 * data), contains one, or lies inside one: with {@code output.overwrite=true} the job would otherwise replace
 * its own training file, and a directory written into an input directory would be read as data by the next run.
 * The checkpoints and the output must be apart too: replacing the output would delete checkpoints inside it.
 *
 * <p>Paths are compared after qualifying them with their Hadoop file system (absolute, normalized, scheme and
 * authority); local paths also with symbolic links resolved, as far as they exist. A glob input counts as the
 * directory it reads from.
 */
final class InputOutputSeparation {
    private InputOutputSeparation() {
    }

    /** @throws IllegalArgumentException naming both keys and paths when an output and an input overlap */
    static void require(JobConfig config, Configuration conf) throws IOException {
        Map<String, Input> inputs = new LinkedHashMap<>();
        addInput(inputs, "data.train.path", "the training data", config.train(), conf);
        addInput(inputs, "data.validation.path", "the validation data", config.validation(), conf);
        addInput(inputs, "data.test.path", "the test data", config.test(), conf);
        requireApart("output.path", "output path", config.outputPath(), inputs, conf);
        if (config.checkpointPath() != null) {
            requireApart("checkpoint.path", "checkpoint path", config.checkpointPath(), inputs, conf);
            // The output directory is replaced as a whole (output.overwrite): checkpoints in it would go with it.
            Map<String, Input> output = Map.of("output.path", new Input("the output directory",
                    qualify(config.outputPath(), conf)));
            requireApart("checkpoint.path", "checkpoint path", config.checkpointPath(), output, conf);
        }
    }

    /**
     * For {@code predict}: the {@code --output} directory apart from the data it scores and the model (replacing
     * it with {@code --overwrite} must not delete either).
     */
    static void requirePredictionApart(String output, DataSpec data, String model, Configuration conf)
            throws IOException {
        Map<String, Input> inputs = new LinkedHashMap<>();
        addInput(inputs, "--data", "the data to score", data, conf);
        inputs.put("--model", new Input("the model", qualify(model, conf)));
        requireApart("--output", "output path", output, inputs, conf);
    }

    private record Input(String what, Path path) {
    }

    private static void addInput(Map<String, Input> inputs, String key, String what, DataSpec spec,
            Configuration conf) throws IOException {
        if (spec != null) {
            inputs.put(key, new Input(what, qualify(withoutGlob(spec.path()), conf)));
        }
    }

    private static void requireApart(String key, String what, String location, Map<String, Input> inputs,
            Configuration conf) throws IOException {
        Path out = qualify(location, conf);
        for (Map.Entry<String, Input> e : inputs.entrySet()) {
            Path in = e.getValue().path();
            String relation = out.equals(in) ? "is"
                    : isAncestor(out, in) ? "contains"
                    : isAncestor(in, out) ? "is inside" : null;
            if (relation != null) {
                throw new IllegalArgumentException(key + " " + DisplayPath.of(out) + " " + relation + " " + e.getValue().what()
                        + " (" + e.getKey() + (out.equals(in) ? "" : " " + DisplayPath.of(in)) + "): choose another " + what);
            }
        }
    }

    /** Absolute, normalized, with the file system's scheme and authority; local symbolic links resolved. */
    static Path qualify(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        try (FileSystem fs = FileSystem.newInstance(path.toUri(), conf)) {
            Path qualified = fs.makeQualified(path);
            URI uri = qualified.toUri();
            return "file".equals(uri.getScheme()) ? new Path("file", null, realLocalPath(uri.getPath()).toString())
                    : qualified;
        }
    }

    /** The real path of the longest existing prefix, with the rest appended (it may not exist yet). */
    private static java.nio.file.Path realLocalPath(String absolute) throws IOException {
        java.nio.file.Path p = java.nio.file.Path.of(absolute).normalize();
        java.nio.file.Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing == null ? p : existing.toRealPath().resolve(existing.relativize(p));
    }

    /** The leading components of a path before the first one with a glob character. */
    private static String withoutGlob(String location) {
        int glob = -1;
        for (char c : new char[] {'*', '?', '[', '{'}) {
            int i = location.indexOf(c);
            if (i >= 0 && (glob < 0 || i < glob)) {
                glob = i;
            }
        }
        if (glob < 0) {
            return location;
        }
        int slash = location.lastIndexOf('/', glob);
        return slash < 0 ? "." : slash == 0 ? "/" : location.substring(0, slash);
    }

    private static boolean isAncestor(Path ancestor, Path path) {
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (p.equals(ancestor)) {
                return true;
            }
        }
        return false;
    }
}
