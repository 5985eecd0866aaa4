package org.sparkadadelta.spark.train;

/** The training loss became NaN or infinite and the run was configured to stop. */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergenceException(String message) {
        super(message);
    }
}
