package org.sparkadadelta.spark.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.output.FileChecksums;

/**
 * A checkpoint's {@code manifest.json}:
 * <pre>{@code
 * { "format" : "spark-adadelta-checkpoint", "format_version" : 1,
 *   "step" : 120, "epoch" : 2, "step_in_epoch" : 3,
 *   "sampler" : { "rows" : 60000, "batch_size" : 128, "shuffle_seed" : 7 },
 *   "optimizer" : { ...Keras config... }, "job" : { ... },
 *   "tensors" : [ { "kind" : "weight", "path" : "dense/kernel", "dtype" : "float32", "shape" : [ 3, 2 ] }, ... ],
 *   "state_file" : { "name" : "state.arrow", "size" : 1234, "sha256" : "..." } }
 * }</pre>
 */
final class CheckpointManifest {
    static final String FILE_NAME = "manifest.json";
    static final String FORMAT = "spark-adadelta-checkpoint";
    static final int FORMAT_VERSION = 1;

    private CheckpointManifest() {
    }

    static void write(CheckpointState state, StateArrowFile.Contents tensors, FileChecksums.Entry stateFile,
                      OutputStream out) throws IOException {
        SamplerParams s = state.sampler();
        Map<String, Object> m = object("format", FORMAT, "format_version", FORMAT_VERSION,
                "step", state.globalStep(), "epoch", state.epoch(), "step_in_epoch", state.stepInEpoch(),
                "sampler", object("rows", s.rows(), "batch_size", s.batchSize(), "shuffle_seed", s.shuffleSeed()),
                "optimizer", state.optimizerConfig(), "job", state.jobConfig(), "tensors", tensorList(tensors),
                "state_file", object("name", stateFile.name(), "size", stateFile.size(), "sha256", stateFile.sha256()));
        out.write((KerasJson.write(m, true) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static List<Object> tensorList(StateArrowFile.Contents tensors) {
        List<Object> list = new ArrayList<>();
        tensors.weights().forEach(t -> list.add(describe(StateArrowFile.WEIGHT, t)));
        tensors.optimizer().forEach(t -> list.add(describe(StateArrowFile.OPTIMIZER, t)));
        return list;
    }

    private static Map<String, Object> describe(String kind, SavedTensor t) {
        return object("kind", kind, "path", t.path(), "dtype", t.dtype(), "shape", t.shape());
    }

    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Parses a manifest and checks its format. */
    static Map<String, Object> read(InputStream in) throws IOException {
        Map<String, Object> m = KerasJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        if (!FORMAT.equals(m.get("format")) || !Integer.valueOf(FORMAT_VERSION).equals(m.get("format_version"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " version " + FORMAT_VERSION + " manifest (format "
                    + m.get("format") + ", version " + m.get("format_version") + ")");
        }
        return m;
    }

    /** The size and SHA-256 of {@code state.arrow} the manifest promises. */
    static FileChecksums.Entry stateFile(Map<String, Object> manifest) {
        Map<String, Object> f = map(manifest, "state_file");
        return new FileChecksums.Entry((String) f.get("name"), number(f, "size"), (String) f.get("sha256"));
    }

    /** The state described by the manifest with the tensors of its (verified) state file. */
    static CheckpointState toState(Map<String, Object> manifest, StateArrowFile.Contents tensors) {
        // Compare as JSON text: parsed numbers and written long[]s differ as Java objects.
        if (!KerasJson.write(tensorList(tensors)).equals(KerasJson.write(manifest.get("tensors")))) {
            throw new IllegalArgumentException("the tensors of " + StateArrowFile.FILE_NAME
                    + " differ from the manifest's list");
        }
        Map<String, Object> s = map(manifest, "sampler");
        return new CheckpointState(number(manifest, "step"), Math.toIntExact(number(manifest, "epoch")),
                number(manifest, "step_in_epoch"), WeightTensors.layout(tensors.weights()),
                WeightTensors.values(tensors.weights()), tensors.optimizer(), map(manifest, "optimizer"),
                new SamplerParams(number(s, "rows"), number(s, "batch_size"), number(s, "shuffle_seed")),
                map(manifest, "job"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map)) {
            throw new IllegalArgumentException("manifest entry '" + key + "' is missing or not an object");
        }
        return (Map<String, Object>) m.get(key);
    }

    private static long number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Integer || m.get(key) instanceof Long)) {
            throw new IllegalArgumentException("manifest entry '" + key + "' is missing or not an integer");
        }
        return ((Number) m.get(key)).longValue();
    }
}
