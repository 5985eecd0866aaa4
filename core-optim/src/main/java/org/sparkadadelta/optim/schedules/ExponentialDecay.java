package org.sparkadadelta.optim.schedules;

/**
 * Mirrors {@code keras.optimizers.schedules.ExponentialDecay}:
 * {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, with the exponent floored when
 * {@code staircase} is set.
 *
 * <p>Keras evaluates this as a float32 tensor expression: every configuration number is rounded to float32
 * first and each of the division, floor, power and product rounds once in float32.
 */
public record ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
        String name) implements ScalarSchedule {

    /** @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message */
    public ExponentialDecay {
        ScheduleArguments.requirePositive("decay_steps", decaySteps);
    }

    /** {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate)} with Keras's defaults. */
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "ExponentialDecay");
    }

    /** {@code ExponentialDecay(**config)}. */
    static ExponentialDecay fromConfig(ScheduleArguments a) {
        return a.rateDecay(ExponentialDecay::new);
    }

    @Override
    public float valueAt(long step) {
        float p = ScheduleMath.progress(step, decaySteps, staircase);
        return (float) initialLearningRate * (float) Math.pow((float) decayRate, p);
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
