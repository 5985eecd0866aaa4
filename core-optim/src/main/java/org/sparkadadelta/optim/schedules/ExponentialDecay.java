package org.sparkadadelta.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mirrors {@code keras.optimizers.schedules.ExponentialDecay}:
 * {@code initial_learning_rate * decay_rate ^ (step / decay_steps)}, with the exponent floored when
 * {@code staircase} is set.
 *
 * <p>Keras evaluates this as a float32 tensor expression: every configuration number is rounded to float32
 * first and each of the division, floor, power and product rounds once in float32.
 */
public final class ExponentialDecay implements LearningRateSchedule {
    private final double initialLearningRate;
    private final long decaySteps;
    private final double decayRate;
    private final boolean staircase;
    private final String name;

    private final float initF;
    private final float decayStepsF;
    private final float decayRateF;

    /** {@code ExponentialDecay(initial_learning_rate, decay_steps, decay_rate)} with Keras's defaults. */
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate) {
        this(initialLearningRate, decaySteps, decayRate, false, "ExponentialDecay");
    }

    /**
     * @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message
     */
    public ExponentialDecay(double initialLearningRate, long decaySteps, double decayRate, boolean staircase,
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
        return initF * (float) Math.pow(decayRateF, p);
    }

    @Override
    public String className() {
        return "ExponentialDecay";
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
