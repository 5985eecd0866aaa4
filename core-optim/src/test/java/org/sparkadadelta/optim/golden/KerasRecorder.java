package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code src/test/python/keras_differential.py} once for a batch of configurations: real Keras on the
 * TensorFlow backend draws and runs them and writes one golden-schema file per configuration. TensorFlow's
 * log noise goes to {@code python.log} beside them and is shown only when the script fails.
 */
final class KerasRecorder {
    static final String INSTALL_HINT = "install them with: python3 -m pip install --index-url "
            + "file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple keras==3.15.1 "
            + "tensorflow-cpu==2.21.0 (or from PyPI; .ci/run does this)";
    /** The script's exit code when it cannot import keras and tensorflow. */
    private static final int NO_KERAS = 3;
    private static final long TIMEOUT_MINUTES = 10;

    private KerasRecorder() {
    }

    /**
     * Records configurations {@code first .. first+count-1} of {@code seed} into a fresh {@code outDir}; other
     * runs' directories beside it are deleted (tens of MB each, and a failure names the seed to rerun).
     */
    static List<Path> record(long seed, int first, int count, Path outDir) throws IOException, InterruptedException {
        deleteRecursively(outDir.toAbsolutePath().getParent());
        Files.createDirectories(outDir);
        Path log = outDir.resolve("python.log");
        ProcessBuilder pb = new ProcessBuilder("python3", script().toString(), Long.toString(seed),
                Integer.toString(count), outDir.toString(), Integer.toString(first))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
        pb.environment().put("KERAS_BACKEND", "tensorflow");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not available (" + e.getMessage() + "); it needs keras and tensorflow: "
                    + INSTALL_HINT);
            return List.of();
        }
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("keras_differential.py did not finish within " + TIMEOUT_MINUTES + " min; log: " + log);
        }
        String output = Files.readString(log);
        Assumptions.assumeFalse(p.exitValue() == NO_KERAS,
                () -> "python3 cannot import keras and tensorflow (" + output.strip() + "); " + INSTALL_HINT);
        if (p.exitValue() != 0) {
            fail("keras_differential.py exited with " + p.exitValue() + ":\n" + tail(output, 4000));
        }
        try (Stream<Path> files = Files.list(outDir)) {
            List<Path> cases = files.filter(f -> f.getFileName().toString().matches("config_\\d+\\.json")).sorted()
                    .toList();
            if (cases.size() != count) {
                fail("expected " + count + " recorded configurations in " + outDir + ", found " + cases.size());
            }
            return cases;
        }
    }

    /** The script, from the module directory (Maven's working directory) or the repository root. */
    private static Path script() {
        for (String dir : new String[] {"src/test/python", "core-optim/src/test/python"}) {
            Path p = Paths.get(dir, "keras_differential.py");
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        return fail("keras_differential.py not found under src/test/python from " + Paths.get("").toAbsolutePath());
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
