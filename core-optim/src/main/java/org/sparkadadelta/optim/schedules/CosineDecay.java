package org.sparkadadelta.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mirrors {@code keras.optimizers.schedules.CosineDecay}, with its optional linear warmup.
 *
 * <p>Without {@code warmup_target} the rate decays from {@code initial_learning_rate} over
 * {@code decay_steps}. With a warmup it rises linearly from {@code initial_learning_rate} to
 * {@code warmup_target} over {@code warmup_steps}, then decays from {@code warmup_target}.
 *
 * <p>Rounding subtlety: {@code 1 - alpha} is a difference of two Python floats in Keras, so it is computed
 * in double and rounded once ({@code f32(1 - alpha)}), unlike {@link CosineDecayRestarts} where it is a
 * float32 subtraction. Everything else is float32, with {@code pi} rounded to float32.
 */
public final class CosineDecay implements LearningRateSchedule {
    private static final float PI_F = (float) Math.PI;

    private final double initialLearningRate;
    private final long decaySteps;
    private final double alpha;
    private final String name;
    private final Double warmupTarget;
    private final long warmupSteps;

    private final float initF;
    private final float decayStepsF;
    private final float alphaF;
    private final float oneMinusAlphaF;
    private final float warmupStepsF;

    /**
     * {@code CosineDecay(initial_learning_rate, decay_steps)} with Keras's defaults
     * ({@code alpha=0.0}, no warmup).
     */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0, "CosineDecay", null, 0L);
    }

    /**
     * @param warmupTarget null for no warmup (Keras's {@code None})
     * @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message
     */
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha, String name,
            Double warmupTarget, long warmupSteps) {
        Schedules.requirePositive("decay_steps", decaySteps);
        this.initialLearningRate = initialLearningRate;
        this.decaySteps = decaySteps;
        this.alpha = alpha;
        this.name = name;
        this.warmupTarget = warmupTarget;
        this.warmupSteps = warmupSteps;
        this.initF = (float) initialLearningRate;
        this.decayStepsF = (float) decaySteps;
        this.alphaF = (float) alpha;
        this.oneMinusAlphaF = (float) (1.0 - alpha);
        this.warmupStepsF = (float) warmupSteps;
    }

    @Override
    public float valueAt(long step) {
        float s = (float) step;
        if (warmupTarget == null) {
            return decay(Math.min(s, decayStepsF), initF);
        }
        float target = (float) warmupTarget.doubleValue();
        s = Math.min(s, decayStepsF + warmupStepsF);
        if (s < warmupStepsF) {
            float completed = s / warmupStepsF;
            return (target - initF) * completed + initF;
        }
        return decay(s - warmupStepsF, target);
    }

    private float decay(float t, float from) {
        float completed = t / decayStepsF;
        float cosineDecayed = 0.5f * (1f + (float) Math.cos(PI_F * completed));
        float decayed = oneMinusAlphaF * cosineDecayed + alphaF;
        return from * decayed;
    }

    @Override
    public String className() {
        return "CosineDecay";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("decay_steps", decaySteps);
        c.put("alpha", alpha);
        c.put("name", name);
        c.put("warmup_target", warmupTarget);
        c.put("warmup_steps", warmupSteps);
        return c;
    }

    public double initialLearningRate() {
        return initialLearningRate;
    }

    public long decaySteps() {
        return decaySteps;
    }

    public double alpha() {
        return alpha;
    }

    public String name() {
        return name;
    }

    /** Null when there is no warmup. */
    public Double warmupTarget() {
        return warmupTarget;
    }

    public long warmupSteps() {
        return warmupSteps;
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
