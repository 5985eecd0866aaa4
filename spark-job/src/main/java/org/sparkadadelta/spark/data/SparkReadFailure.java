package org.sparkadadelta.spark.data;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;
import org.apache.spark.rdd.InputFileBlockHolder;

/**
 * A failure of Spark's own file readers (Parquet, CSV, LibSVM) inside a task, as a problem to report with the
 * file: which file it was reading, and what went wrong in words rather than a stack trace.
 */
public final class SparkReadFailure {
    /** LibSVM with {@code numFeatures}: Spark's sparse vector rejects the 0-based index. */
    private static final Pattern INDEX = Pattern.compile("requirement failed: Index (\\d+) out of bounds for vector of size (\\d+)");
    private static final Pattern NOT_A_NUMBER = Pattern.compile("For input string: \"(.*)\"");

    private SparkReadFailure() {
    }

    /**
     * The file the task's reader is in, as {@code input_file_name()} gives it ({@code InputFileBlockHolder} is
     * what backs that function), or empty when not reading a file.
     */
    static String currentFile() {
        return InputFileBlockHolder.getInputFilePath().toString();
    }

    /** The byte where the part of {@link #currentFile()} being read starts. */
    static long currentPartStart() {
        return InputFileBlockHolder.getStartOffset();
    }

    /**
     * A failure of Spark's reader on the driver (finding the files, inferring a schema, reading Parquet footers)
     * as a data error naming the failing file where Spark says which, else the data path.
     */
    static DataValidationException onDriver(String path, Exception failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DataValidationException d) {
                return d;
            }
            if (c instanceof SparkThrowable s && s.getMessageParameters() != null
                    && s.getMessageParameters().get("path") != null) {
                path = s.getMessageParameters().get("path").replaceAll("^`|`$", "");
            }
        }
        return DataFileException.of(path, problem(failure), failure);
    }

    /** What went wrong, for a message that names the file and row separately. */
    static String problem(Throwable failure) {
        Throwable root = rootCause(failure);
        String message = root.getMessage() == null ? root.getClass().getName() : root.getMessage().strip();
        Matcher index = INDEX.matcher(message);
        if (index.matches()) {
            return "feature index " + (Long.parseLong(index.group(1)) + 1) + " is beyond num_features (expected at most "
                    + index.group(2) + ", got " + (Long.parseLong(index.group(1)) + 1) + ")";
        }
        Matcher number = NOT_A_NUMBER.matcher(message);
        if (root instanceof NumberFormatException && number.matches()) {
            return "bad value (expected a number, got '" + number.group(1) + "')";
        }
        return "cannot read: " + message.replaceAll("\\s*\\R\\s*", " ");
    }

    /** {@link #problem(Throwable)}, where the file is already named: its path in the message says "the file". */
    static String problem(Throwable failure, String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        String problem = problem(failure);
        return name.isEmpty() ? problem : problem.replaceAll("\\S*/" + Pattern.quote(name) + "\\b", "the file");
    }

    /** The innermost cause of {@code t} (a cycle in the chain ends the walk). */
    public static Throwable rootCause(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable c = t;
        while (c.getCause() != null && seen.put(c, true) == null) {
            c = c.getCause();
        }
        return c;
    }
}
