package org.sparkadadelta.spark.checkpoint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.output.FileChecksums;

/**
 * Checkpoints under a root directory on any Hadoop file system: {@code <root>/ckpt-<12-digit step>/} with
 * {@code state.arrow} and {@code manifest.json}. Each is written into a sibling {@code ckpt-..._tmp-<random>}
 * and renamed into place, so a directory with the final name is complete (short of later corruption, which
 * the manifest's size and SHA-256 detect). Only the newest {@code keep} checkpoints are kept.
 *
 * <p>Uses its own {@link FileSystem} instance with client-side checksums off, so the local file system
 * writes no {@code .crc} files (and closing it does not close a shared cached one).
 */
public final class CheckpointStore implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})");

    private final FileSystem fs;
    private final Path root;
    private final int keep;

    public CheckpointStore(String rootUri, int keep, Configuration conf) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        Path path = new Path(rootUri);
        this.fs = FileSystem.newInstance(path.toUri(), conf);
        fs.setWriteChecksum(false);
        fs.setVerifyChecksum(false);
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

    /** Writes a checkpoint, publishes it atomically, then deletes all but the newest {@code keep}. */
    public Path save(CheckpointState state) throws IOException {
        Path target = directory(state.globalStep());
        Path temp = new Path(root, target.getName() + "._tmp-" + UUID.randomUUID().toString().substring(0, 8));
        StateArrowFile.Contents tensors = new StateArrowFile.Contents(
                WeightTensors.of(state.layout(), state.weights()), state.optimizerTensors());
        try {
            Path stateFile = new Path(temp, StateArrowFile.FILE_NAME);
            try (OutputStream out = fs.create(stateFile, false)) {
                StateArrowFile.write(out, tensors);
            }
            FileChecksums.Entry entry = new FileChecksums.Entry(StateArrowFile.FILE_NAME,
                    fs.getFileStatus(stateFile).getLen(), FileChecksums.sha256(fs, stateFile));
            try (OutputStream out = fs.create(new Path(temp, CheckpointManifest.FILE_NAME), false)) {
                CheckpointManifest.write(state, tensors, entry, out);
            }
            // A checkpoint of the same step (a resumed run saving again) is replaced.
            fs.delete(target, true);
            if (!fs.rename(temp, target)) {
                throw new IOException("Cannot rename " + temp + " to " + target);
            }
        } finally {
            fs.delete(temp, true);
        }
        prune();
        return target;
    }

    private void prune() throws IOException {
        List<Long> steps = steps();
        for (long step : steps.subList(0, Math.max(0, steps.size() - keep))) {
            fs.delete(directory(step), true);
        }
    }

    /** The steps of the published checkpoints, oldest first (temporary directories are not listed). */
    public List<Long> steps() throws IOException {
        List<Long> steps = new ArrayList<>();
        FileStatus[] entries;
        try {
            entries = fs.listStatus(root);
        } catch (FileNotFoundException e) {
            return steps;
        }
        for (FileStatus status : entries) {
            Matcher m = NAME.matcher(status.getPath().getName());
            if (status.isDirectory() && m.matches()) {
                steps.add(Long.parseLong(m.group(1)));
            }
        }
        steps.sort(Comparator.naturalOrder());
        return steps;
    }

    /**
     * The newest checkpoint that reads back intact; each newer one that does not is reported to
     * {@code warnings} (its path and what is wrong) and skipped.
     */
    public Optional<CheckpointState> loadNewestValid(Consumer<String> warnings) throws IOException {
        List<Long> steps = steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path dir = directory(steps.get(i));
            try {
                return Optional.of(load(dir));
            } catch (IOException | RuntimeException e) {
                warnings.accept("Skipping checkpoint " + dir + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Reads one checkpoint, verifying its state file against the manifest before parsing it. */
    public CheckpointState load(Path dir) throws IOException {
        Map<String, Object> manifest;
        try (InputStream in = fs.open(new Path(dir, CheckpointManifest.FILE_NAME))) {
            manifest = CheckpointManifest.read(in);
        } catch (FileNotFoundException e) {
            throw new IOException("no " + CheckpointManifest.FILE_NAME, e);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable " + CheckpointManifest.FILE_NAME + ": " + e.getMessage(), e);
        }
        FileChecksums.Entry expected = CheckpointManifest.stateFile(manifest);
        if (!StateArrowFile.FILE_NAME.equals(expected.name())) {
            throw new IOException("the manifest names state file '" + expected.name() + "'");
        }
        Path stateFile = new Path(dir, StateArrowFile.FILE_NAME);
        byte[] bytes = readAll(stateFile);
        if (bytes.length != expected.size()) {
            throw new IOException(stateFile + ": size mismatch: expected " + expected.size() + " bytes, got "
                    + bytes.length);
        }
        String sha256 = FileChecksums.sha256(fs, stateFile);
        if (!sha256.equals(expected.sha256())) {
            throw new IOException(stateFile + ": checksum mismatch: expected SHA-256 " + expected.sha256() + ", got "
                    + sha256);
        }
        try {
            return CheckpointManifest.toState(manifest, StateArrowFile.read(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException(stateFile + ": unreadable Arrow content: " + e.getMessage(), e);
        }
    }

    private byte[] readAll(Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw new IOException("no " + file.getName(), e);
        }
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}
