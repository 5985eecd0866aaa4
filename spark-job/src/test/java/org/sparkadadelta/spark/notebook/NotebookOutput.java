package org.sparkadadelta.spark.notebook;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The JVM's standard output while notebooks run in it, sent to the running cell or paragraph: one
 * {@code System.out} whose destination switches, installed before Scala's {@code Console} first reads
 * {@code System.out}, so that what Scala code prints (Spark's {@code Dataset.show}, also when a Java cell calls
 * it) lands in the same cell as Java's {@code System.out}, and nothing lands in a later one. Between cells it
 * goes to the JVM's original standard output.
 */
public final class NotebookOutput {
    private static final PrintStream ORIGINAL = System.out;
    private static volatile OutputStream destination = ORIGINAL;

    static {
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                destination.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                destination.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                destination.flush();
            }
        }, true, StandardCharsets.UTF_8));
        scala.Console.out(); // Scala's default output is now the switching stream
    }

    private NotebookOutput() {
    }

    /** Makes sure standard output switches (a no-op after the first call). */
    public static void install() {
    }

    /** Runs {@code body} with standard output going to {@code sink}. */
    public static <T> T capture(OutputStream sink, Supplier<T> body) {
        destination = sink;
        try {
            return body.get();
        } finally {
            System.out.flush();
            destination = ORIGINAL;
        }
    }
}
