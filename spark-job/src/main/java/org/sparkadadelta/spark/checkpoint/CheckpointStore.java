package org.sparkadadelta.spark.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.files.AtomicPublish;
import org.sparkadadelta.spark.files.FileChecksums;
import org.sparkadadelta.spark.output.HistoryCsv;
import org.sparkadadelta.spark.history.History;

/**
 * Checkpoints under a root directory on any Hadoop file system: {@code <root>/ckpt-<12-digit step>/} with
 * {@code state.arrow}, the history tables {@code history_steps.csv} and {@code history_epochs.csv}
 * ({@link HistoryCsv}) and {@code manifest.json}. Each is written into a sibling {@code ckpt-..._tmp-<random>}
 * and published ({@link AtomicPublish}), so a directory with the final name is complete (short of later
 * corruption, which the manifest's sizes and SHA-256s detect). After each save, the newest {@code keep} checkpoints up to this
 * instance's newest save are kept and older ones deleted; never one newer than that (it is not this run's to
 * judge), nor one {@link #findNewestValid()} found corrupt (it may be the only copy someone wants to repair).
 *
 * <p>Assumes that one driver at a time writes a store (a run and its resumption follow each other): each
 * save deletes the {@code _tmp-}/{@code _old-} directories of earlier store instances, left by saves that
 * crashed, which would break a concurrent writer's save.
 *
 * <p>Uses its own {@link FileSystem} instance ({@link AtomicPublish#ownFileSystem}).
 */
public final class CheckpointStore implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})");
    /** A save's temporary directory, or a replaced checkpoint of the same step awaiting deletion. */
    private static final Pattern SCRATCH = Pattern.compile("ckpt-\\d{12}\\._(tmp|old)-[0-9a-f]{8}");
    /** A complete checkpoint set aside while a save of the same step replaces it. */
    private static final Pattern SET_ASIDE = Pattern.compile("(ckpt-\\d{12})\\._old-[0-9a-f]{8}");

    private final FileSystem fs;
    private final Path root;
    private final int keep;
    /** The scratch directories this instance made, which its own cleanup leaves alone. */
    private final Set<String> ownScratch = new HashSet<>();
    /** Steps whose checkpoints {@link #findNewestValid()} found corrupt: pruning leaves them alone. */
    private final Set<Long> corrupt = new HashSet<>();
    /** The newest step this instance saved, -1 before its first save: pruning never goes past it. */
    private long newestSaved = -1;

    public CheckpointStore(String rootUri, int keep, Configuration conf) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        Path path = new Path(rootUri);
        this.fs = AtomicPublish.ownFileSystem(path, conf);
        this.root = fs.makeQualified(path);
        this.keep = keep;
    }

    public Path root() {
        return root;
    }

    /** The directory of the checkpoint after {@code step} steps. */
    public Path directory(long step) {
        return new Path(root, String.format("ckpt-%012d", step));
    }

    /**
     * Writes a checkpoint, publishes it atomically, then deletes all but the newest {@code keep}. Scratch
     * directories of crashed saves by earlier store instances are deleted first.
     */
    public Path save(CheckpointState state) throws IOException {
        deleteStaleScratch();
        Path target = directory(state.globalStep());
        Path temp = scratch(target, AtomicPublish.TEMP);
        StateArrowFile.Contents tensors = new StateArrowFile.Contents(
                WeightTensors.of(state.layout(), state.weights()), state.optimizerTensors());
        // A state without history (read from a version 1 checkpoint) is saved with the records it has: none.
        History history = state.history().orElseGet(History::new);
        try {
            FileChecksums.Entry stateFile = write(temp, StateArrowFile.FILE_NAME,
                    out -> StateArrowFile.write(out, tensors));
            CheckpointManifest.HistoryFiles historyFiles = new CheckpointManifest.HistoryFiles(
                    write(temp, HistoryCsv.STEPS_FILE, out -> HistoryCsv.writeSteps(history, out)),
                    write(temp, HistoryCsv.EPOCHS_FILE, out -> HistoryCsv.writeEpochs(history.epochs(), out)));
            write(temp, CheckpointManifest.FILE_NAME,
                    out -> CheckpointManifest.write(state, tensors, stateFile, historyFiles, out));
            // A checkpoint of the same step already there (a run saving a step again) stays under its final
            // name except between the two renames; a crash there leaves it under the _old- name, which loading
            // ignores and restoreSetAside renames back.
            AtomicPublish.publish(fs, temp, target, scratch(target, AtomicPublish.ASIDE));
        } finally {
            fs.delete(temp, true);
        }
        // A corrupt checkpoint of this step is replaced by the resumed run's, which re-created it.
        corrupt.remove(state.globalStep());
        newestSaved = Math.max(newestSaved, state.globalStep());
        prune();
        return target;
    }

    /** What writes one file's content (flushing, not closing, the stream). */
    @FunctionalInterface
    private interface FileContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code dir/name} and returns its size and SHA-256 as read back. */
    private FileChecksums.Entry write(Path dir, String name, FileContent content) throws IOException {
        Path file = new Path(dir, name);
        try (OutputStream out = fs.create(file, false)) {
            content.writeTo(out);
        }
        return new FileChecksums.Entry(name, fs.getFileStatus(file).getLen(), FileChecksums.sha256(fs, file));
    }

    /** A scratch sibling of {@code target}, which this instance's cleanup of crashed saves leaves alone. */
    private Path scratch(Path target, String kind) {
        Path path = AtomicPublish.scratchSibling(target, kind);
        ownScratch.add(path.getName());
        return path;
    }

    /** Deletes the scratch directories that saves of earlier instances left behind when they crashed. */
    private void deleteStaleScratch() throws IOException {
        for (FileStatus status : list()) {
            String name = status.getPath().getName();
            if (status.isDirectory() && SCRATCH.matcher(name).matches() && !ownScratch.contains(name)) {
                fs.delete(status.getPath(), true);
            }
        }
    }

    private void prune() throws IOException {
        List<Long> steps = steps().stream().filter(s -> s <= newestSaved && !corrupt.contains(s)).toList();
        for (long step : steps.subList(0, Math.max(0, steps.size() - keep))) {
            fs.delete(directory(step), true);
        }
    }

    /**
     * The names of the entries that hold checkpoints, valid or not: published ones and ones set aside by a
     * save that crashed; not the temporary directories of unfinished saves.
     */
    public List<String> checkpointNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus status : list()) {
            String name = status.getPath().getName();
            if (status.isDirectory() && (NAME.matcher(name).matches() || SET_ASIDE.matcher(name).matches())) {
                names.add(name);
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * Renames each checkpoint that a save crashed between setting it aside and publishing its replacement
     * back to its own name, unless the replacement is there; returns the restored names.
     */
    public List<String> restoreSetAside() throws IOException {
        List<String> restored = new ArrayList<>();
        for (FileStatus status : list()) {
            Matcher m = SET_ASIDE.matcher(status.getPath().getName());
            Path target = m.matches() ? new Path(root, m.group(1)) : null;
            if (status.isDirectory() && target != null && !fs.exists(target)) {
                AtomicPublish.rename(fs, status.getPath(), target);
                restored.add(target.getName());
            }
        }
        return restored;
    }

    /** The steps of the published checkpoints, oldest first (temporary directories are not listed). */
    public List<Long> steps() throws IOException {
        List<Long> steps = new ArrayList<>();
        for (FileStatus status : list()) {
            Matcher m = NAME.matcher(status.getPath().getName());
            if (status.isDirectory() && m.matches()) {
                steps.add(Long.parseLong(m.group(1)));
            }
        }
        steps.sort(Comparator.naturalOrder());
        return steps;
    }

    /** The entries of the root directory; none if it does not exist yet. */
    private FileStatus[] list() throws IOException {
        try {
            return fs.listStatus(root);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    /**
     * The newest checkpoint that reads back intact; each newer one that does not is reported to
     * {@code warnings} (its path and what is wrong) and skipped.
     */
    public Optional<CheckpointState> loadNewestValid(Consumer<String> warnings) throws IOException {
        Search search = findNewestValid();
        search.corrupt().forEach(c -> warnings.accept("Skipping checkpoint " + c));
        return search.newestValid();
    }

    /** A checkpoint that does not read back intact, and why. */
    public record Corrupt(Path directory, String problem) {
        @Override
        public String toString() {
            return directory + ": " + problem;
        }
    }

    /** The newest intact checkpoint, if any, and the corrupt ones newer than it, newest first. */
    public record Search(Optional<CheckpointState> newestValid, List<Corrupt> corrupt) {
    }

    /**
     * Reads the checkpoints newest first until one is intact. The corrupt ones on the way are remembered, so
     * that this store's pruning never deletes them.
     */
    public Search findNewestValid() throws IOException {
        List<Long> steps = steps();
        List<Corrupt> skipped = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path dir = directory(steps.get(i));
            try {
                return new Search(Optional.of(load(dir)), skipped);
            } catch (IOException | RuntimeException e) {
                skipped.add(new Corrupt(dir, e.getMessage()));
                corrupt.add(steps.get(i));
            }
        }
        return new Search(Optional.empty(), skipped);
    }

    /**
     * Reads one checkpoint, verifying each of its files against the manifest's size and SHA-256 before
     * parsing it. A checkpoint from before histories were saved (manifest version 1) has no history.
     */
    public CheckpointState load(Path dir) throws IOException {
        Map<String, Object> manifest;
        FileChecksums.Entry stateFile;
        CheckpointManifest.HistoryFiles historyFiles;
        try (InputStream in = fs.open(new Path(dir, CheckpointManifest.FILE_NAME))) {
            manifest = CheckpointManifest.read(in);
            stateFile = CheckpointManifest.stateFile(manifest);
            historyFiles = CheckpointManifest.historyFiles(manifest);
        } catch (FileNotFoundException e) {
            throw new IOException("no " + CheckpointManifest.FILE_NAME, e);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable " + CheckpointManifest.FILE_NAME + ": " + e.getMessage(), e);
        }
        StateArrowFile.Contents tensors = parse(dir, stateFile, StateArrowFile.FILE_NAME, StateArrowFile::read);
        History history = null;
        if (historyFiles != null) {
            history = new History(
                    parse(dir, historyFiles.steps(), HistoryCsv.STEPS_FILE,
                            bytes -> HistoryCsv.readSteps(new ByteArrayInputStream(bytes))),
                    parse(dir, historyFiles.epochs(), HistoryCsv.EPOCHS_FILE,
                            bytes -> HistoryCsv.readEpochs(new ByteArrayInputStream(bytes))));
        }
        try {
            return CheckpointManifest.toState(manifest, tensors, history, dir.toString());
        } catch (RuntimeException e) {
            throw new IOException("files inconsistent with " + CheckpointManifest.FILE_NAME + ": " + e.getMessage(),
                    e);
        }
    }

    /** Parses a checkpoint file's verified bytes. */
    @FunctionalInterface
    private interface FileParser<T> {
        T parse(byte[] bytes) throws IOException;
    }

    /** Reads {@code dir/name}, verifies it against the manifest's {@code expected} entry, and parses it. */
    private <T> T parse(Path dir, FileChecksums.Entry expected, String name, FileParser<T> parser)
            throws IOException {
        Path file = new Path(dir, name);
        byte[] bytes = readVerified(file, expected);
        try {
            return parser.parse(bytes);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": unreadable content: " + e.getMessage(), e);
        }
    }

    /** The bytes of {@code file}, after checking that the manifest's entry names it and matches them. */
    private byte[] readVerified(Path file, FileChecksums.Entry expected) throws IOException {
        if (!file.getName().equals(expected.name())) {
            throw new IOException("the manifest names '" + expected.name() + "' where '" + file.getName()
                    + "' belongs");
        }
        byte[] bytes;
        try (InputStream in = fs.open(file)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new IOException("no " + file.getName(), e);
        }
        if (bytes.length != expected.size()) {
            throw new IOException(file + ": size mismatch: expected " + expected.size() + " bytes, got "
                    + bytes.length);
        }
        String sha256 = FileChecksums.sha256(bytes);
        if (!sha256.equals(expected.sha256())) {
            throw new IOException(file + ": checksum mismatch: expected SHA-256 " + expected.sha256() + ", got "
                    + sha256);
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}
