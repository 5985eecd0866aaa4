package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.notebook.JShellKernel;
import org.sparkadadelta.spark.notebook.JupyterDisplay;
import org.sparkadadelta.spark.notebook.JupyterNotebook;
import org.sparkadadelta.spark.notebook.NotebookFailure;
import org.sparkadadelta.spark.notebook.ZeppelinNote;
import org.sparkadadelta.spark.notebook.ZeppelinOutput;
import org.sparkadadelta.spark.notebook.ZeppelinSparkInterpreter;

/**
 * Executes every notebook in {@code notebooks/} end to end after {@code package}, against the built jars, the
 * way its notebook server would: Zeppelin notes ({@code zeppelin/*.zpln}) through Zeppelin's {@code %spark}
 * Scala interpreter with {@code spark} and {@code sc} bound in this JVM, Java notebooks
 * ({@code jupyter/*.ipynb}, JJava's kernel) through JShell as JJava runs them, Python notebooks through
 * nbclient. A failing paragraph or cell fails the test, naming the notebook, its number and the error. The
 * executed copies, with their outputs and plots, are written under {@code target/notebooks/}.
 */
class NotebooksIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NOTEBOOKS = ROOT.resolve("notebooks");
    private static final Path TARGET = ROOT.resolve("spark-job/target");
    private static final Path EXECUTED = TARGET.resolve("notebooks");
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final Pattern JOB_JAR = Pattern.compile("spark-job-(.+)-job\\.jar");
    private static final Pattern SPARK_CORE_JAR = Pattern.compile("spark-core_([\\d.]+)-([\\w.-]+)\\.jar");

    /** One interpreter for all notes, as Zeppelin's default (shared) binding has it. */
    private static ZeppelinSparkInterpreter zeppelin;

    @AfterAll
    static void stopZeppelin() {
        if (zeppelin != null) {
            zeppelin.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyZeppelinNoteRunsToTheEnd() throws IOException {
        return notebooks("zeppelin", ".zpln").map(note -> DynamicTest.dynamicTest(note.getFileName().toString(), () -> {
            Assumptions.assumeTrue(Files.isDirectory(FASHION_MNIST), "Debian's dataset-fashion-mnist is not installed");
            Path executed = EXECUTED.resolve("zeppelin").resolve(note.getFileName());
            ZeppelinNote.run(note, zeppelin(), executed);
            assertTrue(Files.readString(executed).contains("data:image/png;base64,"), executed + " shows no chart");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyJupyterNotebookRunsToTheEnd() throws IOException {
        return notebooks("jupyter", ".ipynb").map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            Assumptions.assumeTrue(Files.isDirectory(FASHION_MNIST), "Debian's dataset-fashion-mnist is not installed");
            Path executed = EXECUTED.resolve("jupyter").resolve(nb.getFileName());
            runJupyter(nb, executed);
            assertTrue(Files.readString(executed).contains("\"image/png\""), executed + " shows no chart");
        }));
    }

    @Test
    void aFailingParagraphFailsItsNoteNamingTheParagraph(@TempDir Path dir) throws IOException {
        Path note = Files.writeString(dir.resolve("broken.zpln"), """
                {"name": "broken", "defaultInterpreterGroup": "spark", "paragraphs": [
                  {"text": "%md\\nA note with a broken paragraph", "config": {}, "results": {}},
                  {"text": "%spark\\nval rows = sc.parallelize(1 to 10).map(_ * 2).sum()\\nprintln(s\\"sum $rows\\")",
                   "config": {}, "results": {}},
                  {"text": "%spark\\nthrow new IllegalStateException(\\"broken on purpose\\")", "config": {}, "results": {}},
                  {"text": "%spark\\nprintln(\\"never reached\\")", "config": {}, "results": {}}
                ]}""");
        Path executed = dir.resolve("executed/broken.zpln");

        NotebookFailure failure = assertThrows(NotebookFailure.class, () -> ZeppelinNote.run(note, zeppelin(), executed));

        assertTrue(failure.getMessage().startsWith("broken.zpln: paragraph 3 failed"), failure.getMessage());
        assertTrue(failure.getMessage().contains("java.lang.IllegalStateException: broken on purpose"),
                failure.getMessage());
        // The closure of paragraph 2 ran on Spark's executors: the class-based REPL wrappers serialized.
        List<ZeppelinOutput.Message> second = ZeppelinNote.results(executed, 2);
        assertEquals("TEXT", second.get(0).type());
        assertTrue(second.get(0).data().startsWith("sum 110.0\n"), second.get(0).data());
        assertTrue(ZeppelinNote.results(executed, 3).get(0).data().contains("broken on purpose"));
        assertTrue(ZeppelinNote.results(executed, 4).isEmpty(), "a paragraph after the failure ran");
    }

    @Test
    void aFailingJavaCellFailsItsNotebookNamingTheCell(@TempDir Path dir) throws IOException {
        Path nb = Files.writeString(dir.resolve("broken.ipynb"), javaNotebook(
                "int twice(int x) { return 2 * x; }\\nSystem.out.println(\\\"twice \\\" + twice(21));",
                "String s = null;\\ns.length();",
                "System.out.println(\\\"never reached\\\");"));

        NotebookFailure failure = assertThrows(NotebookFailure.class,
                () -> runJupyter(nb, dir.resolve("executed/broken.ipynb")));

        // Cell 1 is markdown: the failing code cell is the third cell.
        assertTrue(failure.getMessage().startsWith("broken.ipynb: cell 3 failed"), failure.getMessage());
        assertTrue(failure.getMessage().contains("java.lang.NullPointerException"), failure.getMessage());
        String executed = Files.readString(dir.resolve("executed/broken.ipynb"));
        assertTrue(executed.contains("twice 42"), executed);
        assertFalse(executed.contains("never reached\\n\""), executed);
    }

    @Test
    void aJavaCellThatDoesNotCompileOrNamesAnUnknownArtifactFails(@TempDir Path dir) throws IOException {
        Path typo = Files.writeString(dir.resolve("typo.ipynb"), javaNotebook("int x = \\\"text\\\";"));
        NotebookFailure compile = assertThrows(NotebookFailure.class, () -> runJupyter(typo, dir.resolve("out/typo.ipynb")));
        assertTrue(compile.getMessage().startsWith("typo.ipynb: cell 2 failed"), compile.getMessage());
        assertTrue(compile.getMessage().contains("incompatible types"), compile.getMessage());

        Path maven = Files.writeString(dir.resolve("maven.ipynb"), javaNotebook("%maven com.example:nothing:1.0"));
        NotebookFailure unknown = assertThrows(NotebookFailure.class, () -> runJupyter(maven, dir.resolve("out/m.ipynb")));
        assertTrue(unknown.getMessage().contains("no artifact com.example:nothing:1.0"), unknown.getMessage());
    }

    @Test
    void classpathMagicsAddJarsByGlobBeforeTheCellCompiles(@TempDir Path dir) throws IOException {
        String code = "System.out.println(org.sparkadadelta.spark.cli.TrainMain.class.getSimpleName());";
        Path without = Files.writeString(dir.resolve("without.ipynb"), javaNotebook(code));
        NotebookFailure missing = assertThrows(NotebookFailure.class,
                () -> runJupyter(without, dir.resolve("out/without.ipynb")));
        assertTrue(missing.getMessage().contains("cannot find symbol"), missing.getMessage());

        Path with = Files.writeString(dir.resolve("with.ipynb"), javaNotebook(
                "%classpath " + TARGET.resolve("spark-job-*-job.jar") + "\\n" + code));
        assertDoesNotThrow(() -> runJupyter(with, dir.resolve("out/with.ipynb")));
        assertTrue(Files.readString(dir.resolve("out/with.ipynb")).contains("TrainMain"));
    }

    @Test
    void aFailingPythonCellFailsItsNotebookNamingTheCell(@TempDir Path dir) throws IOException {
        Path nb = Files.writeString(dir.resolve("broken.ipynb"), """
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec":
                  {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}},
                 "cells": [
                  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": "x = 21 * 2\\nprint(x)"},
                  {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
                   "source": "raise RuntimeError('broken on purpose')"}
                ]}""");

        NotebookFailure failure = assertThrows(NotebookFailure.class,
                () -> runJupyter(nb, dir.resolve("executed/broken.ipynb")));

        assertTrue(failure.getMessage().startsWith("broken.ipynb: cell 2 failed"), failure.getMessage());
        assertTrue(failure.getMessage().contains("RuntimeError: broken on purpose"), failure.getMessage());
        assertTrue(Files.readString(dir.resolve("executed/broken.ipynb")).contains("42"));
    }

    /** A JJava notebook: a markdown cell, then one code cell per (JSON-escaped) source. */
    private static String javaNotebook(String... sources) {
        StringBuilder cells = new StringBuilder(
                "{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": \"A notebook\"}");
        for (String source : sources) {
            cells.append(",\n{\"cell_type\": \"code\", \"metadata\": {}, \"execution_count\": null, \"outputs\": [], "
                    + "\"source\": \"").append(source).append("\"}");
        }
        return "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {\"kernelspec\": {\"name\": \"java\", "
                + "\"display_name\": \"Java (jjava)\", \"language\": \"java\"}}, \"cells\": [" + cells + "]}";
    }

    private static Stream<Path> notebooks(String dir, String suffix) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.list(NOTEBOOKS.resolve(dir))) {
            found = files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
        assertFalse(found.isEmpty(), "no " + suffix + " notebooks in " + NOTEBOOKS.resolve(dir));
        return found.stream();
    }

    private static void runJupyter(Path notebook, Path executed) throws Exception {
        String language = JupyterNotebook.language(notebook);
        switch (language) {
            case "java" -> {
                try (JShellKernel kernel = new JShellKernel(NotebooksIT::mavenArtifact, codeLocation(JupyterDisplay.class))) {
                    JupyterNotebook.run(notebook, kernel, executed);
                }
            }
            case "python" -> runPython(notebook, executed);
            default -> throw new AssertionError(notebook + ": no executor for kernel language '" + language + "'");
        }
    }

    private static synchronized ZeppelinSparkInterpreter zeppelin() throws IOException {
        if (zeppelin == null) {
            List<Path> classpath = new ArrayList<>(sparkJars());
            classpath.add(jobJar());
            zeppelin = new ZeppelinSparkInterpreter(classpath, TARGET.resolve("notebook-repl-classes"));
        }
        return zeppelin;
    }

    /**
     * The build's jars for a {@code %maven} coordinate: Spark's modules (all of the Spark installation's jars,
     * which a Maven resolver would fetch with them) and this project's job jar; null for anything else.
     */
    private static List<Path> mavenArtifact(String coordinate) {
        try {
            String[] gav = coordinate.split(":");
            if (gav.length != 3) {
                return null;
            }
            Matcher job = JOB_JAR.matcher(jobJar().getFileName().toString());
            if (gav[0].equals("org.sparkadadelta") && gav[1].equals("spark-job") && job.matches()
                    && gav[2].equals(job.group(1))) {
                return List.of(jobJar());
            }
            List<Path> spark = sparkJars();
            for (Path jar : spark) {
                Matcher core = SPARK_CORE_JAR.matcher(jar.getFileName().toString());
                if (core.matches() && gav[0].equals("org.apache.spark") && gav[1].endsWith("_" + core.group(1))
                        && gav[2].equals(core.group(2))) {
                    return spark;
                }
            }
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What a Spark installation provides (Spark, Scala, Arrow, Jackson), as {@code package} listed it. */
    private static List<Path> sparkJars() throws IOException {
        String list = Files.readString(TARGET.resolve("launcher/spark-jars.txt")).strip();
        return Stream.of(list.split(File.pathSeparator)).map(Path::of).toList();
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(p -> JOB_JAR.matcher(p.getFileName().toString()).matches()).findFirst()
                    .orElseThrow(() -> new AssertionError("no job jar in " + TARGET + ": run mvn package first"));
        }
    }

    private static Path codeLocation(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void runPython(Path notebook, Path executed) throws Exception {
        Process check = new ProcessBuilder("python3", "-c", "import nbclient, ipykernel, matplotlib, pandas, pyarrow")
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(check.waitFor() == 0, "python3 lacks nbclient, ipykernel, matplotlib, pandas or "
                + "pyarrow (python3 -m pip install nbclient ipykernel matplotlib pandas pyarrow)");
        Files.createDirectories(executed.getParent());
        Path log = executed.resolveSibling(executed.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder("python3", ROOT.resolve("spark-job/src/test/python/run_notebook.py")
                .toString(), notebook.toString(), executed.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_ADADELTA_HOME", ROOT.toString());
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(notebook + " did not finish in 15 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            Matcher cell = Pattern.compile("cell (\\d+): (.*)").matcher(last);
            if (cell.matches()) {
                throw new NotebookFailure(notebook.getFileName().toString(), "cell", Integer.parseInt(cell.group(1)),
                        cell.group(2));
            }
            throw new AssertionError(notebook + " could not be run (exit " + p.exitValue() + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }
}
