package org.sparkadadelta.spark.data;

/**
 * A bad row found in a task that only knows the row's index within its partition. The driver, which can
 * count the rows of the partitions before, turns it into a message with the global row ({@link #at}).
 */
final class LocalRowException extends DataValidationException {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final long localRow;
    private final String file;
    private final String problem;

    /** @param file the row's file, or null/empty when not known */
    LocalRowException(int partition, long localRow, String file, String problem) {
        super("Row " + localRow + " of partition " + partition + fileSuffix(file) + ": " + problem);
        this.partition = partition;
        this.localRow = localRow;
        this.file = file;
        this.problem = problem;
    }

    int partition() {
        return partition;
    }

    long localRow() {
        return localRow;
    }

    /** The same problem, located by global row. */
    DataValidationException at(long globalRow) {
        return new DataValidationException("Row " + globalRow + fileSuffix(file) + ": " + problem);
    }

    private static String fileSuffix(String file) {
        return file == null || file.isEmpty() ? "" : " (file " + file + ")";
    }
}
