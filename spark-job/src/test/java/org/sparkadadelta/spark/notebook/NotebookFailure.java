package org.sparkadadelta.spark.notebook;

/** A paragraph or cell that failed: names the notebook, its 1-based number and the error, as a test failure. */
public final class NotebookFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    public NotebookFailure(String notebook, String unit, int number, String error) {
        super(notebook + ": " + unit + " " + number + " failed:\n" + error.strip());
    }
}
