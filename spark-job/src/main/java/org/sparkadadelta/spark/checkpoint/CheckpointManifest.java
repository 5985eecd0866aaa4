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
import org.sparkadadelta.spark.files.FileChecksums;
import org.sparkadadelta.spark.history.History;

/**
 * A checkpoint's {@code manifest.json}:
 * <pre>{@code
 * { "format" : "spark-adadelta-checkpoint", "format_version" : 3,
 *   "step" : 120, "epoch" : 2, "step_in_epoch" : 3,
 *   "sampler" : { "rows" : 60000, "batch_size" : 128, "shuffle_seed" : 7 },
 *   "optimizer" : { ...Keras config... },
 *   "fingerprint" : { "optimizer.config.rho" : "0.95", ..., "data.train.checksum" : "1a2b3c4d5e6f7a8b" },
 *   "job" : { ... },
 *   "tensors" : [ { "kind" : "weight", "path" : "dense/kernel", "dtype" : "float32", "shape" : [ 3, 2 ] }, ... ],
 *   "state_file" : { "name" : "state.arrow", "size" : 1234, "sha256" : "..." },
 *   "history" : { "steps_file" : { "name" : "history_steps.csv", "size" : 90, "sha256" : "..." },
 *                 "epochs_file" : { "name" : "history_epochs.csv", "size" : 60, "sha256" : "..." } } }
 * }</pre>
 * Version 1, written before checkpoints kept the history, has no {@code history}; versions 1 and 2, written
 * before {@link SetupFingerprint}s, no {@code fingerprint}. Both are still read.
 */
final class CheckpointManifest {
    static final String FILE_NAME = "manifest.json";
    static final String FORMAT = "spark-adadelta-checkpoint";
    static final int FORMAT_VERSION = 3;
    /** The version without {@code history}. */
    static final int NO_HISTORY_VERSION = 1;
    /** The last version without {@code fingerprint}. */
    static final int NO_FINGERPRINT_VERSION = 2;

    private CheckpointManifest() {
    }

    static void write(CheckpointState state, StateArrowFile.Contents tensors, FileChecksums.Entry stateFile,
                      HistoryFiles historyFiles, OutputStream out) throws IOException {
        SamplerParams s = state.sampler();
        Map<String, Object> m = object("format", FORMAT, "format_version", FORMAT_VERSION,
                "step", state.globalStep(), "epoch", state.epoch(), "step_in_epoch", state.stepInEpoch(),
                "sampler", object("rows", s.rows(), "batch_size", s.batchSize(), "shuffle_seed", s.shuffleSeed()),
                "optimizer", state.optimizerConfig(), "fingerprint", state.fingerprint().values(),
                "job", state.jobConfig(), "tensors", tensorList(tensors),
                "state_file", describe(stateFile),
                "history", object("steps_file", describe(historyFiles.steps()),
                        "epochs_file", describe(historyFiles.epochs())));
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

    private static Map<String, Object> describe(FileChecksums.Entry file) {
        return object("name", file.name(), "size", file.size(), "sha256", file.sha256());
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
        Object version = m.get("format_version");
        if (!FORMAT.equals(m.get("format")) || !(version instanceof Integer v && v >= NO_HISTORY_VERSION
                && v <= FORMAT_VERSION)) {
            throw new IllegalArgumentException("not a " + FORMAT + " version " + NO_HISTORY_VERSION + " to "
                    + FORMAT_VERSION + " manifest (format " + m.get("format") + ", version " + version + ")");
        }
        return m;
    }

    /** The size and SHA-256 of {@code state.arrow} the manifest promises. */
    static FileChecksums.Entry stateFile(Map<String, Object> manifest) {
        return entry(map(manifest, "state_file"));
    }

    /** The size and SHA-256 of the two history tables a manifest promises. */
    record HistoryFiles(FileChecksums.Entry steps, FileChecksums.Entry epochs) {
    }

    /**
     * The history files the manifest promises; null for a version 1 manifest, which has none. A current
     * manifest without them is an error, not a checkpoint without history.
     */
    static HistoryFiles historyFiles(Map<String, Object> manifest) {
        if (Integer.valueOf(NO_HISTORY_VERSION).equals(manifest.get("format_version"))) {
            return null;
        }
        Map<String, Object> h = map(manifest, "history");
        return new HistoryFiles(entry(map(h, "steps_file")), entry(map(h, "epochs_file")));
    }

    private static FileChecksums.Entry entry(Map<String, Object> f) {
        return new FileChecksums.Entry((String) f.get("name"), number(f, "size"), (String) f.get("sha256"));
    }

    /**
     * The state described by the manifest with the tensors of its (verified) state file and the history of
     * its (verified) history files, or null without them.
     */
    static CheckpointState toState(Map<String, Object> manifest, StateArrowFile.Contents tensors, History history,
                                   String origin) {
        // Compare as JSON text: parsed numbers and written long[]s differ as Java objects.
        if (!KerasJson.write(tensorList(tensors)).equals(KerasJson.write(manifest.get("tensors")))) {
            throw new IllegalArgumentException("the tensors of " + StateArrowFile.FILE_NAME
                    + " differ from the manifest's list");
        }
        Map<String, Object> s = map(manifest, "sampler");
        SamplerParams sampler = new SamplerParams(number(s, "rows"), number(s, "batch_size"),
                number(s, "shuffle_seed"));
        Map<String, Object> optimizer = map(manifest, "optimizer");
        SetupFingerprint fingerprint = number(manifest, "format_version") <= NO_FINGERPRINT_VERSION
                ? SetupFingerprint.partial(optimizer, sampler) : SetupFingerprint.read(map(manifest, "fingerprint"));
        return new CheckpointState(number(manifest, "step"), Math.toIntExact(number(manifest, "epoch")),
                number(manifest, "step_in_epoch"), WeightTensors.layout(tensors.weights()),
                WeightTensors.values(tensors.weights()), tensors.optimizer(), optimizer, sampler, fingerprint,
                map(manifest, "job"), history, origin);
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
