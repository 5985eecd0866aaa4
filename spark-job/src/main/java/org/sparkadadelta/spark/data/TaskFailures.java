package org.sparkadadelta.spark.data;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a Spark action and, when a task failed on bad data, rethrows the task's own
 * {@link DataValidationException} instead of the {@code SparkException} that wraps it.
 */
final class TaskFailures {
    private TaskFailures() {
    }

    static <T> T unwrapped(BlockSource source, Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) { // SparkException is checked but undeclared by Spark's Java API
            DataValidationException ours = find(e);
            if (ours == null) {
                throw e;
            }
            throw ours instanceof LocalRowException local ? globalize(source, local) : ours;
        }
    }

    private static DataValidationException find(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable c = t; c != null && seen.put(c, true) == null; c = c.getCause()) {
            if (c instanceof DataValidationException d) {
                return d;
            }
        }
        return null;
    }

    /** Locating the row may cost a job or a read of the file, but only on this failure path. */
    private static DataValidationException globalize(BlockSource source, LocalRowException local) {
        try {
            return source.located(local);
        } catch (RuntimeException countFailed) {
            local.addSuppressed(countFailed);
            return local;
        }
    }
}
