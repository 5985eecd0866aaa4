package org.sparkadadelta.spark.data;

/**
 * A bad row found in a task, which knows only where the row is in its own part of the input: its file and the
 * byte where its part of the file starts (Spark splits large files), and its index within that part; or, for
 * data not read from files, its index within the partition. The driver turns it into a message that counts from
 * the start of the file ({@link BlockSource#located}).
 */
final class LocalRowException extends DataValidationException {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final long localRow;
    private final String file;
    private final long partStart;
    private final long indexInPart;
    private final String problem;
    private final boolean unreadable;

    /**
     * @param file        the row's file, or empty when not read from a file
     * @param partStart   byte where the part of {@code file} this task reads starts
     * @param indexInPart 0-based index of the row among the rows of that part
     * @param unreadable  whether the reader failed (so the rows of the file cannot be counted either)
     */
    LocalRowException(int partition, long localRow, String file, long partStart, long indexInPart, String problem,
            boolean unreadable, Throwable cause) {
        super(file.isEmpty() ? "row " + (localRow + 1) + " of partition " + partition + ": " + problem
                : file + ": record " + (indexInPart + 1) + " from byte " + partStart + ": " + problem, cause);
        this.partition = partition;
        this.localRow = localRow;
        this.file = file;
        this.partStart = partStart;
        this.indexInPart = indexInPart;
        this.problem = problem;
        this.unreadable = unreadable;
    }

    int partition() {
        return partition;
    }

    long localRow() {
        return localRow;
    }

    String file() {
        return file;
    }

    long partStart() {
        return partStart;
    }

    long indexInPart() {
        return indexInPart;
    }

    boolean unreadable() {
        return unreadable;
    }

    /** The same problem at {@code position}, e.g. {@code line 12} or {@code row 7}, or in the file as a whole. */
    DataValidationException at(String position) {
        return file.isEmpty() ? new DataValidationException(position + ": " + problem, getCause())
                : new DataFileException(file, position, problem, getCause());
    }
}
