package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** File lookups through Hadoop's FileSystem, so local paths and any Hadoop URI work alike. */
final class HadoopFiles {
    private HadoopFiles() {
    }

    static FileSystem fileSystem(Configuration conf, String path) {
        try {
            return new Path(path).getFileSystem(conf);
        } catch (IOException e) {
            throw failure("access", path, e);
        }
    }

    /** Fails with "No such file or directory" unless the path (or glob) matches something. */
    static void requireExists(Configuration conf, String path) {
        try {
            FileStatus[] matches = fileSystem(conf, path).globStatus(new Path(path));
            if (matches == null || matches.length == 0) {
                throw new DataValidationException("No such file or directory: " + path);
            }
        } catch (IOException e) {
            throw failure("access", path, e);
        }
    }

    static boolean exists(Configuration conf, String path) {
        try {
            return fileSystem(conf, path).exists(new Path(path));
        } catch (IOException e) {
            throw failure("access", path, e);
        }
    }

    static boolean isDirectory(Configuration conf, String path) {
        try {
            return fileSystem(conf, path).getFileStatus(new Path(path)).isDirectory();
        } catch (IOException e) {
            throw failure("access", path, e);
        }
    }

    /**
     * The path itself if it names one file; else the files directly in the directories it names (or matches,
     * as a glob) whose names pass {@code nameFilter}, sorted by path. Hidden files ({@code .x}, {@code _x}) are
     * skipped.
     */
    static List<String> files(Configuration conf, String path, Predicate<String> nameFilter) {
        requireExists(conf, path);
        try {
            FileSystem fs = fileSystem(conf, path);
            FileStatus[] matches = fs.globStatus(new Path(path));
            if (matches.length == 1 && matches[0].isFile()) {
                return List.of(path);
            }
            List<Path> files = new ArrayList<>();
            for (FileStatus m : matches) {
                for (FileStatus f : m.isDirectory() ? fs.listStatus(m.getPath()) : new FileStatus[] {m}) {
                    String name = f.getPath().getName();
                    if (f.isFile() && !name.startsWith(".") && !name.startsWith("_") && nameFilter.test(name)) {
                        files.add(f.getPath());
                    }
                }
            }
            return files.stream().sorted().map(Path::toString).toList();
        } catch (IOException e) {
            throw failure("list", path, e);
        }
    }

    /** An I/O failure that names the action and the path, e.g. {@code Cannot read /x: Permission denied}. */
    static UncheckedIOException failure(String action, String path, IOException e) {
        return new UncheckedIOException("Cannot " + action + " " + path + ": " + e.getMessage(), e);
    }
}
