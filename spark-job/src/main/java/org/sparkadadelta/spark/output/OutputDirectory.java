package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkadadelta.spark.files.AtomicPublish;

/**
 * A run's output directory that appears complete or not at all, on any Hadoop file system ({@code /local/dir},
 * {@code file:///...}, {@code hdfs://...}).
 *
 * <p>Files are written into a sibling {@code <name>._tmp-<random>}; {@link #commit()} writes {@code _SUCCESS}
 * last and publishes the temporary directory ({@link AtomicPublish}). An existing directory is replaced only
 * with overwrite allowed, and only once the new output is complete: it is renamed aside to
 * {@code <name>._old-<random>} and deleted after the new one is in place. Closing without committing
 * deletes the temporary directory, so a failed run leaves nothing that looks like output.
 *
 * <p>A run killed outright (SIGKILL, power loss) cannot delete its temporary directory. So each one holds an
 * {@value #OWNER} file naming its process (host, pid, start time), and {@link #removeStaleTemporaries}, called
 * by the next run, removes the {@code <name>._tmp-*} siblings of the same target whose owner has ended on this
 * host, and empty ones without an owner file (from versions that wrote none) older than this JVM. A directory
 * owned by another host is kept (whether its owner runs cannot be told from here), as is every {@code ._old-}
 * directory (after a crash during the final swap it may hold the only copy of the previous output).
 *
 * <p>Uses its own {@link FileSystem} instance ({@link AtomicPublish#ownFileSystem}).
 */
public final class OutputDirectory implements AutoCloseable {
    /** The marker written last by {@link #commit()}. */
    public static final String SUCCESS = "_SUCCESS";
    /** The configuration key (for the job's CLI) that allows replacing an existing output directory. */
    public static final String OVERWRITE_KEY = "output.overwrite";
    /** The file in the temporary directory naming its owner process; removed before {@link #commit()}. */
    public static final String OWNER = "_OWNER";

    private enum State { OPEN, COMMITTED, ABORTED }

    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final boolean overwrite;
    private State state = State.OPEN;

    private OutputDirectory(FileSystem fs, Path target, Path temp, boolean overwrite) {
        this.fs = fs;
        this.target = target;
        this.temp = temp;
        this.overwrite = overwrite;
    }

    /**
     * Checks that the output may be written and creates the temporary directory, nothing else. Call before
     * training so that a run that may not write its output fails at once.
     *
     * @throws IllegalArgumentException if {@code uri} exists and {@code overwrite} is false
     */
    public static OutputDirectory create(String uri, boolean overwrite, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = AtomicPublish.ownFileSystem(path, conf);
        try {
            Path target = fs.makeQualified(path);
            if (target.getParent() == null) {
                throw new IllegalArgumentException("The output directory cannot be a root: " + target);
            }
            if (!overwrite && fs.exists(target)) {
                throw existsError(target);
            }
            Path temp = AtomicPublish.scratchSibling(target, AtomicPublish.TEMP);
            if (!fs.mkdirs(temp)) {
                throw new IOException("Cannot create the temporary output directory " + temp);
            }
            try (OutputStream owner = fs.create(new Path(temp, OWNER), false)) {
                owner.write(TempDirOwner.current().format().getBytes(StandardCharsets.UTF_8));
            }
            return new OutputDirectory(fs, target, temp, overwrite);
        } catch (IOException | RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    /** Where the output will be after {@link #commit()}. */
    public Path target() {
        return target;
    }

    /** The temporary directory the files are written into until {@link #commit()}. */
    public Path tempDir() {
        return temp;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** The path of {@code name} (relative, {@code /}-separated) in the temporary directory. */
    public Path file(String name) {
        requireOpen();
        if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.contains(":")) {
            throw new IllegalArgumentException("Not a plain relative file name: '" + name + "'");
        }
        return new Path(temp, name);
    }

    /** Creates {@code name} in the temporary directory; fails if it was already written. */
    public OutputStream open(String name) throws IOException {
        return fs.create(file(name), false);
    }

    /** Something that writes one file's content. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Creates {@code name} in the temporary directory with {@code content}, closing it afterwards. */
    public void write(String name, Content content) throws IOException {
        try (OutputStream out = open(name)) {
            content.writeTo(out);
        }
    }

    /**
     * Writes {@code _SUCCESS} and moves the output into place, replacing an existing directory if overwrite
     * was allowed.
     *
     * @throws IllegalStateException if the target appeared since {@link #create} without overwrite allowed
     *                               (the output is then aborted)
     */
    public void commit() throws IOException {
        requireOpen();
        fs.delete(new Path(temp, OWNER), false);
        fs.create(file(SUCCESS), false).close();
        if (!overwrite && fs.exists(target)) {
            abort();
            // Renaming onto an existing directory would move the output inside it.
            throw new IllegalStateException(existsError(target).getMessage() + " (it was created during the run)");
        }
        Path old = AtomicPublish.scratchSibling(target, AtomicPublish.ASIDE);
        if (!AtomicPublish.publish(fs, temp, target, old)) {
            throw new IOException("The new output is in place, but the old one could not be deleted: " + old);
        }
        state = State.COMMITTED;
        fs.close();
    }

    /** Deletes the temporary directory; does nothing after {@link #commit()} or a previous abort. */
    public void abort() throws IOException {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            fs.delete(temp, true);
        } finally {
            fs.close();
        }
    }

    /** Aborts unless committed. */
    @Override
    public void close() throws IOException {
        abort();
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("The output directory " + target + " was already "
                    + state.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Deletes the temporary directories of the output {@code uri} that crashed runs left (see the class
     * comment), reporting each to {@code notices}. Call before {@link #create}.
     */
    public static void removeStaleTemporaries(String uri, Configuration conf, Consumer<String> notices)
            throws IOException {
        Path path = new Path(uri);
        try (FileSystem fs = FileSystem.newInstance(path.toUri(), conf)) {
            Path target = fs.makeQualified(path);
            if (target.getParent() != null && fs.exists(target.getParent())) {
                removeStaleTemporaries(fs, target, notices);
            }
        }
    }

    private static void removeStaleTemporaries(FileSystem fs, Path target, Consumer<String> notices)
            throws IOException {
        String prefix = AtomicPublish.scratchPrefix(target, AtomicPublish.TEMP);
        long thisRunStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        for (FileStatus dir : fs.listStatus(target.getParent(), p -> p.getName().startsWith(prefix))) {
            if (!dir.isDirectory()) {
                continue;
            }
            Optional<TempDirOwner> owner = owner(fs, dir.getPath());
            String why;
            if (owner.isPresent()) {
                if (!owner.get().isLocal()) {
                    notices.accept("Kept " + dir.getPath() + ": it belongs to " + owner.get()
                            + ", which may still be running; delete it by hand if that run is over");
                    continue;
                }
                if (!owner.get().hasEnded()) {
                    continue; // a run writing the same output right now
                }
                why = "left by " + owner.get() + ", which is no longer running";
            } else if (dir.getModificationTime() < thisRunStart && fs.listStatus(dir.getPath()).length == 0) {
                why = "empty, without an owner, and older than this run";
            } else {
                continue;
            }
            if (fs.delete(dir.getPath(), true)) {
                notices.accept("Removed the stale temporary output directory " + dir.getPath() + " (" + why + ")");
            }
        }
    }

    private static Optional<TempDirOwner> owner(FileSystem fs, Path dir) throws IOException {
        Path file = new Path(dir, OWNER);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (FSDataInputStream in = fs.open(file)) {
            return TempDirOwner.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static IllegalArgumentException existsError(Path target) {
        return new IllegalArgumentException("The output directory " + target + " already exists; set "
                + OVERWRITE_KEY + "=true to replace it (it is replaced only after the new output is complete)");
    }
}
