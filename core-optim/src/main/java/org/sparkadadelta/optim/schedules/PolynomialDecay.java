package org.sparkadadelta.optim.schedules;

import java.util.List;

/**
 * Mirrors {@code keras.optimizers.schedules.PolynomialDecay}:
 * {@code (initial - end) * (1 - step / decay_steps) ^ power + end}, with the step clamped to
 * {@code decay_steps}, or, when {@code cycle} is set, with {@code decay_steps} stretched to the first
 * multiple that is at least the step (multiplier 1 at step 0).
 *
 * <p>All of it runs in float32; in particular {@code initial - end} is a float32 subtraction of the two
 * rounded values, not a double difference.
 */
public record PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate, double power,
        boolean cycle, String name) implements ScalarSchedule {

    /** @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message */
    public PolynomialDecay {
        ScheduleArguments.requirePositive("decay_steps", decaySteps);
    }

    /**
     * {@code PolynomialDecay(initial_learning_rate, decay_steps)} with Keras's defaults
     * ({@code end_learning_rate=0.0001, power=1.0, cycle=False}).
     */
    public PolynomialDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0001, 1.0, false, "PolynomialDecay");
    }

    /** {@code PolynomialDecay(**config)}. */
    static PolynomialDecay fromConfig(ScheduleArguments a) {
        a.bind(List.of("initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle", "name"), 2);
        a.kerasPositive("decay_steps");
        return new PolynomialDecay(a.dbl("initial_learning_rate", 0), a.steps("decay_steps", 0),
                a.dbl("end_learning_rate", 0.0001), a.dbl("power", 1.0), a.bool("cycle", false),
                a.name("PolynomialDecay"));
    }

    @Override
    public float valueAt(long step) {
        float decayStepsF = (float) decaySteps;
        float s = (float) step;
        float ds = decayStepsF;
        if (cycle) {
            float multiplier = (s == 0f) ? 1f : (float) Math.ceil(s / decayStepsF);
            ds = decayStepsF * multiplier;
        } else {
            s = Math.min(s, decayStepsF);
        }
        float p = s / ds;
        float endF = (float) endLearningRate;
        return ((float) initialLearningRate - endF) * (float) Math.pow(1f - p, (float) power) + endF;
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
