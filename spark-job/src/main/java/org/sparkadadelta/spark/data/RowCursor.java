package org.sparkadadelta.spark.data;

/**
 * One pass over the rows of a partition, a file or a slice, as {@link BlockIterator} consumes them. Each
 * reader (DataFrame rows, Arrow batches, IDX bytes) implements this; blocking and validation are shared.
 */
interface RowCursor {
    /** Moves to the next row; false when there is none. */
    boolean advance();

    /** Number of features of the current row. */
    int cols();

    /** Writes the current row's {@link #cols()} features to {@code dst} from {@code offset}. */
    void readFeatures(float[] dst, int offset);

    /** The current row's label. */
    float label();

    /** Whether rows carry a sample weight (a weight column). */
    default boolean weighted() {
        return false;
    }

    /** The current row's sample weight (1 without a weight column). */
    default float weight() {
        return 1f;
    }

    /** How messages name feature {@code index}, e.g. {@code 'x2'} or {@code 3 of 'features'}. */
    String featureName(int index);

    /** An error about the current row, located as precisely as this reader can (file, row). */
    DataValidationException error(String problem);
}
