package org.sparkadadelta.spark.files;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Sizes and SHA-256 checksums of the files in a directory, for the manifest. */
public final class FileChecksums {
    /**
     * One file.
     *
     * @param name   path relative to the directory, {@code /}-separated
     * @param size   bytes
     * @param sha256 lower-case hex, as {@code sha256sum} prints it
     */
    public record Entry(String name, long size, String sha256) {
    }

    private FileChecksums() {
    }

    /** Every file below {@code dir} except those named in {@code excluded}, sorted by name. */
    public static List<Entry> list(FileSystem fs, Path dir, Set<String> excluded) throws IOException {
        String base = fs.makeQualified(dir).toUri().getPath() + "/";
        List<Entry> entries = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            LocatedFileStatus status = files.next();
            String name = status.getPath().toUri().getPath().substring(base.length());
            if (!excluded.contains(name)) {
                entries.add(new Entry(name, status.getLen(), sha256(fs, status.getPath())));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    public static String sha256(FileSystem fs, Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = fs.open(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
