package org.sparkadadelta.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mirrors {@code keras.optimizers.schedules.PolynomialDecay}:
 * {@code (initial - end) * (1 - step / decay_steps) ^ power + end}, with the step clamped to
 * {@code decay_steps}, or, when {@code cycle} is set, with {@code decay_steps} stretched to the first
 * multiple that is at least the step (multiplier 1 at step 0).
 *
 * <p>All of it runs in float32; in particular {@code initial - end} is a float32 subtraction of the two
 * rounded values, not a double difference.
 */
public final class PolynomialDecay implements LearningRateSchedule {
    private final double initialLearningRate;
    private final long decaySteps;
    private final double endLearningRate;
    private final double power;
    private final boolean cycle;
    private final String name;

    private final float initF;
    private final float decayStepsF;
    private final float endF;
    private final float powerF;

    /**
     * {@code PolynomialDecay(initial_learning_rate, decay_steps)} with Keras's defaults
     * ({@code end_learning_rate=0.0001, power=1.0, cycle=False}).
     */
    public PolynomialDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0001, 1.0, false, "PolynomialDecay");
    }

    /**
     * @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message
     */
    public PolynomialDecay(double initialLearningRate, long decaySteps, double endLearningRate, double power,
            boolean cycle, String name) {
        Schedules.requirePositive("decay_steps", decaySteps);
        this.initialLearningRate = initialLearningRate;
        this.decaySteps = decaySteps;
        this.endLearningRate = endLearningRate;
        this.power = power;
        this.cycle = cycle;
        this.name = name;
        this.initF = (float) initialLearningRate;
        this.decayStepsF = (float) decaySteps;
        this.endF = (float) endLearningRate;
        this.powerF = (float) power;
    }

    @Override
    public float valueAt(long step) {
        float s = (float) step;
        float ds = decayStepsF;
        if (cycle) {
            float multiplier = (s == 0f) ? 1f : (float) Math.ceil(s / decayStepsF);
            ds = decayStepsF * multiplier;
        } else {
            s = Math.min(s, decayStepsF);
        }
        float p = s / ds;
        return (initF - endF) * (float) Math.pow(1f - p, powerF) + endF;
    }

    @Override
    public String className() {
        return "PolynomialDecay";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("end_learning_rate", endLearningRate);
        c.put("power", power);
        c.put("cycle", cycle);
        c.put("name", name);
        return c;
    }

    public double initialLearningRate() {
        return initialLearningRate;
    }

    public long decaySteps() {
        return decaySteps;
    }

    public double endLearningRate() {
        return endLearningRate;
    }

    public double power() {
        return power;
    }

    public boolean cycle() {
        return cycle;
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
