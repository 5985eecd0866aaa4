package org.sparkadadelta.optim.schedules;

/**
 * Mirrors {@code keras.optimizers.schedules.InverseTimeDecay}:
 * {@code initial_learning_rate / (1 + decay_rate * step / decay_steps)}, with {@code step / decay_steps}
 * floored when {@code staircase} is set.
 *
 * <p>Keras computes {@code decay_rate * (step / decay_steps)} (the quotient first), each op rounding in
 * float32, which is not the same float as {@code (decay_rate * step) / decay_steps}.
 */
public record InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
        String name) implements ScalarSchedule {

    /** @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message */
    public InverseTimeDecay {
        ScheduleArguments.requirePositive("decay_steps", decaySteps);
    }

    /** {@code InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate)} with Keras's defaults. */
    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "InverseTimeDecay");
    }

    /** {@code InverseTimeDecay(**config)}. */
    static InverseTimeDecay fromConfig(ScheduleArguments a) {
        return a.rateDecay(InverseTimeDecay::new);
    }

    @Override
    public float valueAt(long step) {
        float p = ScheduleMath.progress(step, decaySteps, staircase);
        float denom = 1f + (float) decayRate * p;
        return (float) initialLearningRate / denom;
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
