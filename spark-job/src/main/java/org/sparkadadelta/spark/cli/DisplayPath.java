package org.sparkadadelta.spark.cli;

import org.apache.hadoop.fs.Path;

/** How a qualified Hadoop path is shown to the user: a local one as a plain path, anything else as its URI. */
final class DisplayPath {
    private DisplayPath() {
    }

    static String of(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }
}
