package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every notebook in {@code notebooks/} end to end with Jupyter (after {@code package}, so they run
 * against the built jars), the way a user would: a failing cell fails the test. Needs Debian's
 * {@code jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib}; CI installs them.
 */
class NotebooksIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsToTheEnd() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + ROOT.resolve("notebooks"));
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> execute(nb)));
    }

    private static void execute(Path notebook) throws Exception {
        Assumptions.assumeTrue(onPath("jupyter-nbconvert"), "jupyter-nbconvert is not installed (apt-get install "
                + "jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)");
        Path out = Files.createDirectories(ROOT.resolve("spark-job/target/notebooks"));
        Path log = out.resolve(notebook.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder("jupyter-nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.timeout=900", "--output-dir", out.toString(), notebook.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_ADADELTA_HOME", ROOT.toString());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("notebook " + notebook + " did not finish in 20 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("notebook " + notebook + " failed (exit " + p.exitValue() + "):\n" + tail(log));
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
