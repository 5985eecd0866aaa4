package org.sparkadadelta.optim.schedules;

import java.util.Map;

/**
 * A schedule whose Keras arguments are all scalars, written as a record whose components are those
 * arguments in Keras's order, each named as the Keras argument in camelCase ({@code first_decay_steps} is
 * {@code firstDecaySteps}). Its {@link #config()} and {@link #className()} follow from the record, so the
 * records themselves hold only their validation, convenience constructors and {@link #valueAt}.
 *
 * <p>Equality is the record's: component by component, doubles compared as {@link Double#equals} does,
 * which is what comparing the {@code config()} maps gave.
 */
public sealed interface ScalarSchedule extends LearningRateSchedule
        permits ExponentialDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts {

    /** The record's simple name, which is the Keras class name. */
    @Override
    default String className() {
        return getClass().getSimpleName();
    }

    /** The record components in order, keyed by their snake_case names, values as given (not rounded). */
    @Override
    default Map<String, Object> config() {
        return Schedules.recordConfig((Record) this);
    }
}
