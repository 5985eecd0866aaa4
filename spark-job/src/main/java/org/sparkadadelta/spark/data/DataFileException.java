package org.sparkadadelta.spark.data;

/**
 * Bad content in one data file: {@code <file>: line|row N: <problem>}, N 1-based and counted from the start of
 * the file, or {@code <file>: <problem>} when no line or row applies (a corrupt gzip stream, a bad header). The
 * job prints this message as its one {@code error:} line, whether the file was read on the driver or in a task.
 */
public final class DataFileException extends DataValidationException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /** @param position e.g. {@code line 4} or {@code row 12}; null or empty when none applies */
    public DataFileException(String file, String position, String problem) {
        this(file, position, problem, null);
    }

    public DataFileException(String file, String position, String problem, Throwable cause) {
        super(file + (position == null || position.isEmpty() ? "" : ": " + position) + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** A problem with the file as a whole. */
    public static DataFileException of(String file, String problem, Throwable cause) {
        return new DataFileException(file, null, problem, cause);
    }

    /** {@code row} is 0-based; the message shows it 1-based. */
    public static DataFileException atRow(String file, long row, String problem) {
        return new DataFileException(file, "row " + (row + 1), problem);
    }

    public String file() {
        return file;
    }

    /** The problem without the file and position. */
    public String problem() {
        return problem;
    }
}
