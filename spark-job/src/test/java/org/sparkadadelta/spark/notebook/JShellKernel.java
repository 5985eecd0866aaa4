package org.sparkadadelta.spark.notebook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Java cells evaluated as the JJava kernel evaluates them: one JShell, executing in this JVM, fed each cell's
 * code snippet by snippet as {@link SourceCodeAnalysis#analyzeCompletion} splits it, in order; a snippet that
 * throws or does not compile fails the cell. Line magics {@code %maven group:artifact:version ...} and
 * {@code %classpath path ...} (or the older {@code %jars}; globs allowed) add jars to the classpath first;
 * {@code %maven} coordinates are looked up in {@code artifacts} (the build's jars standing in for a Maven
 * repository), so an unknown one fails the cell.
 * The startup imports are JJava's, including the static import that gives cells {@code display(...)}.
 */
public final class JShellKernel implements AutoCloseable {
    private static final String STARTUP = "import java.util.*;\nimport java.io.*;\nimport java.math.*;\n"
            + "import java.net.*;\nimport java.time.*;\nimport java.util.concurrent.*;\nimport java.util.prefs.*;\n"
            + "import java.util.regex.*;\nimport static " + JupyterDisplay.class.getName() + ".*;\n";

    private final JShell shell;
    private final Function<String, List<Path>> artifacts;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream printer = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private List<CellOutput> outputs = new ArrayList<>();
    private String lastValue;

    /**
     * @param artifacts the jars of a {@code %maven} coordinate ({@code group:artifact:version}), or null if
     *                  unknown
     * @param kernel    the kernel's own classes (where {@link JupyterDisplay} lives)
     */
    public JShellKernel(Function<String, List<Path>> artifacts, Path kernel) {
        this.artifacts = artifacts;
        NotebookOutput.install();
        // JShell compiles against its JVM's class path: in JJava's JVM that is the kernel alone, in this one it is
        // the whole test class path, which would let a cell compile without the magics a real kernel needs.
        String jvmClassPath = System.getProperty("java.class.path");
        System.setProperty("java.class.path", kernel.toString());
        try {
            shell = JShell.builder().executionEngine("local").out(printer).err(printer).build();
        } finally {
            System.setProperty("java.class.path", jvmClassPath);
        }
        shell.addToClasspath(kernel.toString()); // sets the compiler's class path, from the one JShell started with
        JupyterDisplay.sendTo(this::displayed);
        Cell startup = execute(STARTUP);
        if (!startup.error().isEmpty()) {
            throw new IllegalStateException("the kernel's startup failed: " + startup.error());
        }
    }

    /** A cell's outputs, and its error ("" if it ran to the end). */
    public record Cell(List<CellOutput> outputs, String error) {
    }

    /** Runs one cell: its magics, then its code, with what it prints and displays captured. */
    public Cell execute(String source) {
        outputs = new ArrayList<>();
        String error = NotebookOutput.capture(printer, () -> {
            try {
                return run(source);
            } catch (RuntimeException e) {
                return e.toString();
            }
        });
        flushPrinted();
        return new Cell(List.copyOf(outputs), error);
    }

    private String run(String source) {
        StringBuilder code = new StringBuilder();
        for (String line : source.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("%")) {
                String failure = magic(trimmed.substring(1).split("\\s+"));
                if (!failure.isEmpty()) {
                    return failure;
                }
                code.append('\n'); // keeps line numbers
            } else {
                code.append(line).append('\n');
            }
        }
        lastValue = null;
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code.toString());
        while (info.completeness().isComplete()) {
            String failure = evalSnippet(info.source());
            if (!failure.isEmpty()) {
                return failure;
            }
            info = analysis.analyzeCompletion(info.remaining());
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
            return "incomplete code: " + info.remaining().strip();
        }
        if (lastValue != null) { // as JJava: the value of the cell's last snippet, if an expression
            flushPrinted();
            outputs.add(new CellOutput.Value(lastValue));
        }
        return "";
    }

    private String magic(String[] words) {
        List<Path> jars = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            switch (words[0]) {
                case "maven" -> {
                    List<Path> found = artifacts.apply(words[i]);
                    if (found == null) {
                        return "%maven: no artifact " + words[i] + " in this build";
                    }
                    jars.addAll(found);
                }
                case "classpath", "jars" -> jars.addAll(files(words[i]));
                default -> {
                    return "unknown line magic %" + words[0];
                }
            }
        }
        jars.forEach(jar -> shell.addToClasspath(jar.toString()));
        return "";
    }

    /** A path, or the files a glob in its last element matches ({@code /opt/spark/jars/*.jar}), sorted. */
    private static List<Path> files(String pattern) {
        Path path = Path.of(pattern);
        String name = path.getFileName().toString();
        if (!name.contains("*") && !name.contains("?")) {
            return List.of(path);
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (Stream<Path> files = Files.list(path.getParent())) {
            return files.filter(f -> glob.matches(f.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Evaluates one snippet as JJava does; returns its error, or "". */
    private String evalSnippet(String snippet) {
        lastValue = null;
        for (SnippetEvent event : shell.eval(snippet)) {
            if (event.causeSnippet() != null) {
                continue; // an update of an earlier snippet, not this one
            }
            JShellException thrown = event.exception();
            if (thrown != null) {
                return describe(thrown);
            }
            if (!event.status().isDefined() && event.status() != Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                return "does not compile: " + snippet.strip() + "\n" + shell.diagnostics(event.snippet())
                        .map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
            }
            if (event.value() != null && isExpression(event.snippet())) {
                lastValue = event.value();
            }
        }
        return "";
    }

    private static boolean isExpression(Snippet s) {
        return s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                || s.subKind() == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND;
    }

    /** The exception with its causes and the cell's frames, as JShell reports them. */
    private static String describe(JShellException e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(text.length() == 0 ? "" : "Caused by: ")
                    .append(t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName())
                    .append(": ").append(t.getMessage()).append('\n');
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 8); i++) {
                text.append("\tat ").append(frames[i]).append('\n');
            }
        }
        return text.toString();
    }

    private void displayed(Map<String, String> data) {
        flushPrinted();
        outputs.add(new CellOutput.Display(data));
    }

    private void flushPrinted() {
        printer.flush();
        if (printed.size() > 0) {
            outputs.add(new CellOutput.Stream(printed.toString(StandardCharsets.UTF_8)));
            printed.reset();
        }
    }

    @Override
    public void close() {
        shell.close();
    }
}
