package org.sparkadadelta.spark.notebook;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Console$;
import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Zeppelin's {@code %spark} interpreter for Scala 2.13, in this JVM: Scala's REPL with class-based wrappers
 * ({@code -Yrepl-class-based}, as Spark's shell and Zeppelin use, so that closures defined in paragraphs
 * serialize to executors), its classes written to a directory that the SparkContext serves to executors
 * ({@code spark.repl.class.outputDir}), and {@code spark}, {@code sc} and {@code sqlContext} bound
 * {@code @transient} with Zeppelin's imports. A paragraph's output is what the REPL echoes plus what the code
 * prints, on {@code Console.out} or {@code System.out}.
 */
public final class ZeppelinSparkInterpreter implements AutoCloseable {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8);
    private final IMain repl;
    private final SparkSession spark;

    /** What a paragraph printed, and whether the REPL accepted and ran it. */
    public record Run(boolean success, String output) {
    }

    /**
     * @param classpath what the REPL compiles against: the Spark jars and the interpreter's dependencies (the
     *                  job jar), as Zeppelin's Spark interpreter has them
     * @param classDir  where the REPL writes the paragraphs' classes
     */
    public ZeppelinSparkInterpreter(List<Path> classpath, Path classDir) throws IOException {
        NotebookOutput.install();
        Files.createDirectories(classDir);
        Settings settings = new Settings();
        // The REPL's own wrappers import scala.tools.nsc.interpreter: the compiler is on its classpath too.
        String cp = String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList())
                + File.pathSeparator + IMain.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        settings.processArguments(scalaList(List.of("-Yrepl-class-based", "-Yrepl-outdir", classDir.toString(),
                "-classpath", cp)), true);
        repl = new IMain(settings, new ReplReporterImpl(settings,
                new PrintWriter(new OutputStreamWriter(printer, StandardCharsets.UTF_8), true)));
        if (!repl.initializeCompiler()) {
            throw new IllegalStateException("the Scala REPL did not start:\n" + take());
        }
        // As Zeppelin: the REPL's class loader is the context loader when Spark starts, and Spark serves the
        // REPL's classes to executors. The interpreter owns the JVM's SparkContext: one started without the REPL's
        // class server (say by a Java notebook run earlier in this JVM) could not run the paragraphs' closures.
        SparkSession.getDefaultSession().foreach(existing -> {
            existing.stop();
            return null;
        });
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(repl.classLoader());
        try {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("zeppelin-notes")
                    .config("spark.repl.class.outputDir", classDir.toString())
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .getOrCreate();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        spark.sparkContext().setLogLevel("WARN");
        bind("spark", spark.getClass().getCanonicalName(), spark);
        bind("sc", SparkContext.class.getName(), spark.sparkContext());
        bind("sqlContext", "org.apache.spark.sql.SQLContext", spark.sqlContext());
        for (String code : List.of("import org.apache.spark.SparkContext._", "import spark.implicits._",
                "import sqlContext.implicits._", "import spark.sql", "import org.apache.spark.sql.functions._")) {
            Run r = interpret(code);
            if (!r.success()) {
                throw new IllegalStateException("Zeppelin's import failed: " + code + "\n" + r.output());
            }
        }
    }

    private void bind(String name, String type, Object value) {
        Results.Result r = repl.bind(name, type, value, scalaList(List.of("@transient")));
        String echoed = take();
        if (r != Results.Success$.MODULE$) {
            throw new IllegalStateException("cannot bind " + name + ": " + echoed);
        }
    }

    /** Runs one paragraph's code (without its {@code %spark} line) with the paragraph's output captured. */
    public Run interpret(String code) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(repl.classLoader());
        Results.Result result;
        try {
            result = NotebookOutput.capture(printer, () -> Console$.MODULE$.withOut(printer, () -> {
                Results.Result r = repl.interpret(code);
                // A trailing comment leaves the code incomplete: Zeppelin then appends a no-op.
                return r == Results.Incomplete$.MODULE$ ? repl.interpret(code + "\nprint(\"\")") : r;
            }));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        return new Run(result == Results.Success$.MODULE$, take());
    }

    private String take() {
        printer.flush();
        String text = output.toString(StandardCharsets.UTF_8);
        output.reset();
        return text;
    }

    @Override
    public void close() {
        repl.close();
        spark.stop();
    }

    private static scala.collection.immutable.List<String> scalaList(List<String> list) {
        return CollectionConverters.asScala(list).toList();
    }
}
