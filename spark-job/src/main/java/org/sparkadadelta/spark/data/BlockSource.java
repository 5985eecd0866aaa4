package org.sparkadadelta.spark.data;

import org.apache.spark.api.java.JavaRDD;

/** A reader of one kind of input as blocks of rows, which {@link Materializer} numbers, checks and caches. */
interface BlockSource {
    /** Where the data comes from, for messages. */
    String description();

    /**
     * The rows as blocks of at most {@code blockRows} rows, not yet cached. Rows are numbered from 0 within
     * each partition, unless {@link #globallyNumbered()}.
     */
    JavaRDD<DenseBlock> blocks(int blockRows);

    /** True when the blocks already carry global row numbers in their final partitioning. */
    default boolean weighted() {
        return false;
    }

    default boolean globallyNumbered() {
        return false;
    }

    /**
     * The problem of a {@link LocalRowException} located from the start of its file (or of the data): may run a
     * job or read the file, which only the failure path does.
     */
    default DataValidationException located(LocalRowException local) {
        return local;
    }

    /** How a message names a row given its partition and 0-based global index, e.g. {@code row 121}. */
    default String locate(int partition, long globalRow) {
        return "row " + (globalRow + 1);
    }
}
