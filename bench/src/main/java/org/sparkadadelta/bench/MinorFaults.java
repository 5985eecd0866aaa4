package org.sparkadadelta.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's minor page-fault count ({@code minflt}, field 10 of {@code /proc/self/stat}; Linux only). */
final class MinorFaults {
    private static final Path STAT = Path.of("/proc/self/stat");

    private MinorFaults() {
    }

    static long count() {
        try {
            String stat = Files.readString(STAT);
            // Field 2 (the command) may contain spaces; fields after its closing parenthesis start at 3.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[10 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
