package org.sparkadadelta.spark.files;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Publishing a directory atomically on any Hadoop file system, as the run's output directory and each
 * checkpoint are: the files go into a scratch sibling {@code <name>._tmp-<random>}, which is renamed to the
 * final name once complete, so a directory under the final name is always complete. A directory already under
 * that name is first renamed aside ({@code <name>._old-<random>}) and deleted only once the new one is in
 * place; if the new one cannot be moved in, the old one is moved back.
 */
public final class AtomicPublish {
    /** The scratch kind of a directory being written. */
    public static final String TEMP = "tmp";
    /** The scratch kind of a published directory set aside while its replacement moves in. */
    public static final String ASIDE = "old";

    private AtomicPublish() {
    }

    /**
     * A {@link FileSystem} instance of its own for {@code path} (closing it does not close Hadoop's shared
     * cached one), with client-side checksums off, so the local file system writes no {@code .crc} files.
     */
    public static FileSystem ownFileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = FileSystem.newInstance(path.toUri(), conf);
        fs.setWriteChecksum(false);
        fs.setVerifyChecksum(false);
        return fs;
    }

    /** {@code <name>._<kind>-}: how the names of {@code target}'s scratch siblings of that kind begin. */
    public static String scratchPrefix(Path target, String kind) {
        return target.getName() + "._" + kind + "-";
    }

    /** A new scratch sibling of {@code target}: {@code <parent>/<name>._<kind>-<8 random hex digits>}. */
    public static Path scratchSibling(Path target, String kind) {
        return new Path(target.getParent(), scratchPrefix(target, kind) + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Renames the complete directory {@code temp} to {@code target}. A directory already at {@code target} is
     * renamed to {@code aside} first and deleted once {@code temp} is in place; if that rename fails, it is
     * renamed back to {@code target}.
     *
     * @return false if the new directory is in place but the old one could not be deleted from {@code aside}
     */
    public static boolean publish(FileSystem fs, Path temp, Path target, Path aside) throws IOException {
        boolean replacing = fs.exists(target);
        if (replacing) {
            rename(fs, target, aside);
        }
        try {
            rename(fs, temp, target);
        } catch (IOException e) {
            if (replacing && !fs.exists(target) && !fs.rename(aside, target)) {
                e.addSuppressed(new IOException("Cannot move the previous directory back from " + aside));
            }
            throw e;
        }
        return !replacing || fs.delete(aside, true);
    }

    /** Renames {@code from} to {@code to}, or fails saying so (Hadoop's rename only returns false). */
    public static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("Cannot rename " + from + " to " + to);
        }
    }
}
