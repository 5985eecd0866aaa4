package org.sparkadadelta.spark.data;

/**
 * Input data that cannot be trained on: a missing file or column, a wrong type, a non-numeric or
 * non-finite value, rows of different lengths, no rows. The message says what and where.
 */
public class DataValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataValidationException(String message) {
        super(message);
    }

    public DataValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
