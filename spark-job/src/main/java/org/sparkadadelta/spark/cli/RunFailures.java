package org.sparkadadelta.spark.cli;

import java.io.PrintStream;
import java.util.IdentityHashMap;
import java.util.Map;
import org.sparkadadelta.spark.data.DataValidationException;
import org.sparkadadelta.spark.data.SparkReadFailure;

/**
 * What a failed run prints: one {@code error:} line first, whatever the failure. Bad data is reported by its
 * own message ({@code error: <file>: line N: <problem>}), also when it was found inside a Spark task and reaches
 * the driver wrapped in a {@code SparkException}; a bad setting by its message; anything else by its innermost
 * cause's message, with the stack trace after the line, for a bug report.
 */
final class RunFailures {
    private RunFailures() {
    }

    /** Prints the report of {@code failure} to {@code err}; returns the exit status, 1. */
    static int report(Throwable failure, PrintStream err) {
        DataValidationException data = find(failure);
        if (data != null) {
            err.println("error: " + oneLine(data.getMessage()));
        } else if (failure instanceof IllegalArgumentException) {
            err.println("error: " + oneLine(failure.getMessage()));
        } else {
            Throwable root = SparkReadFailure.rootCause(failure);
            String what = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
            err.println("error: " + oneLine(what) + " (" + root.getClass().getSimpleName() + "; stack trace follows)");
            failure.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The first data error along the cause chain: a task's own exception is the cause of Spark's. */
    static DataValidationException find(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable c = t; c != null && seen.put(c, true) == null; c = c.getCause()) {
            if (c instanceof DataValidationException d) {
                return d;
            }
        }
        return null;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
