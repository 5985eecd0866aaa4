package org.sparkadadelta.optim;

import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.sparkadadelta.optim.schedules.LearningRateSchedule;

/**
 * What a Keras optimizer accepts as {@code learning_rate}: a float (stored as a float32 variable), a
 * {@link LearningRateSchedule} evaluated at the raw iteration, or a callable taking no arguments.
 */
public sealed interface LearningRate {
    static LearningRate of(double value) {
        return new Constant(value);
    }

    static LearningRate of(LearningRateSchedule schedule) {
        return new Scheduled(schedule);
    }

    static LearningRate of(DoubleSupplier supplier) {
        return new Supplied(supplier);
    }

    /** A fixed rate; Keras keeps it in a float32 variable, so the rate used is {@code (float) value}. */
    record Constant(double value) implements LearningRate {
    }

    record Scheduled(LearningRateSchedule schedule) implements LearningRate {
        public Scheduled {
            Objects.requireNonNull(schedule, "schedule");
        }
    }

    /** A rate computed on demand, like a Keras callable; its value is cast to the variable's dtype. */
    record Supplied(DoubleSupplier supplier) implements LearningRate {
        public Supplied {
            Objects.requireNonNull(supplier, "supplier");
        }
    }
}
