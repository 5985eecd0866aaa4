package org.sparkadadelta.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mirrors {@code keras.optimizers.schedules.InverseTimeDecay}:
 * {@code initial_learning_rate / (1 + decay_rate * step / decay_steps)}, with {@code step / decay_steps}
 * floored when {@code staircase} is set.
 *
 * <p>Keras computes {@code decay_rate * (step / decay_steps)} (the quotient first), each op rounding in
 * float32, which is not the same float as {@code (decay_rate * step) / decay_steps}.
 */
public final class InverseTimeDecay implements LearningRateSchedule {
    private final double initialLearningRate;
    private final long decaySteps;
    private final double decayRate;
    private final boolean staircase;
    private final String name;

    private final float initF;
    private final float decayStepsF;
    private final float decayRateF;

    /** {@code InverseTimeDecay(initial_learning_rate, decay_steps, decay_rate)} with Keras's defaults. */
    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "InverseTimeDecay");
    }

    /**
     * @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message
     */
    public InverseTimeDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
            String name) {
        Schedules.requirePositive("decay_steps", decaySteps);
        this.initialLearningRate = initialLearningRate;
        this.decaySteps = decaySteps;
        this.decayRate = decayRate;
        this.staircase = staircase;
        this.name = name;
        this.initF = (float) initialLearningRate;
        this.decayStepsF = (float) decaySteps;
        this.decayRateF = (float) decayRate;
    }

    @Override
    public float valueAt(long step) {
        float p = (float) step / decayStepsF;
        if (staircase) {
            p = (float) Math.floor(p);
        }
        float denom = 1f + decayRateF * p;
        return initF / denom;
    }

    @Override
    public String className() {
        return "InverseTimeDecay";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("decay_rate", decayRate);
        c.put("staircase", staircase);
        c.put("name", name);
        return c;
    }

    public double initialLearningRate() {
        return initialLearningRate;
    }

    public long decaySteps() {
        return decaySteps;
    }

    public double decayRate() {
        return decayRate;
    }

    public boolean staircase() {
        return staircase;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return Schedules.sameConfig(this, o);
    }

    @Override
    public int hashCode() {
        return config().hashCode();
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
