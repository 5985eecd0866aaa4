package org.sparkadadelta.optim.schedules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mirrors {@code keras.optimizers.schedules.CosineDecayRestarts} (SGDR): cosine decay over
 * {@code first_decay_steps}, then warm restarts whose length grows by {@code t_mul} and whose peak shrinks
 * by {@code m_mul} each time.
 *
 * <p>Rounding subtleties: Keras casts {@code t_mul}, {@code m_mul} and {@code alpha} to float32 tensors
 * before using them, so {@code 1 - alpha} and {@code 1 - t_mul} are float32 subtractions (unlike
 * {@link CosineDecay}). The restart index comes from float32 {@code log}s when {@code f32(t_mul) != 1},
 * and from {@code floor} of the completed fraction when it equals 1.
 */
public final class CosineDecayRestarts implements LearningRateSchedule {
    private static final float PI_F = (float) Math.PI;

    private final double initialLearningRate;
    private final long firstDecaySteps;
    private final double tMul;
    private final double mMul;
    private final double alpha;
    private final String name;

    private final float initF;
    private final float firstDecayStepsF;
    private final float tMulF;
    private final float mMulF;
    private final float alphaF;

    /**
     * {@code CosineDecayRestarts(initial_learning_rate, first_decay_steps)} with Keras's defaults
     * ({@code t_mul=2.0, m_mul=1.0, alpha=0.0}).
     */
    public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps) {
        this(initialLearningRate, firstDecaySteps, 2.0, 1.0, 0.0, "SGDRDecay");
    }

    /**
     * @throws IllegalArgumentException if {@code firstDecaySteps <= 0}, with Keras's message
     */
    public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul, double mMul,
            double alpha, String name) {
        Schedules.requirePositive("first_decay_steps", firstDecaySteps);
        this.initialLearningRate = initialLearningRate;
        this.firstDecaySteps = firstDecaySteps;
        this.tMul = tMul;
        this.mMul = mMul;
        this.alpha = alpha;
        this.name = name;
        this.initF = (float) initialLearningRate;
        this.firstDecayStepsF = (float) firstDecaySteps;
        this.tMulF = (float) tMul;
        this.mMulF = (float) mMul;
        this.alphaF = (float) alpha;
    }

    @Override
    public float valueAt(long step) {
        float completed = (float) step / firstDecayStepsF;
        float restart;
        if (tMulF == 1f) {
            restart = (float) Math.floor(completed);
            completed = completed - restart;
        } else {
            float oneMinusT = 1f - tMulF;
            float logArg = 1f - completed * oneMinusT;
            restart = (float) Math.floor((float) Math.log(logArg) / (float) Math.log(tMulF));
            float tPow = (float) Math.pow(tMulF, restart);
            float sumR = (1f - tPow) / oneMinusT;
            completed = (completed - sumR) / tPow;
        }
        float mFac = (float) Math.pow(mMulF, restart);
        float cosineDecayed = (0.5f * mFac) * (1f + (float) Math.cos(PI_F * completed));
        float decayed = (1f - alphaF) * cosineDecayed + alphaF;
        return initF * decayed;
    }

    @Override
    public String className() {
        return "CosineDecayRestarts";
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("initial_learning_rate", initialLearningRate);
        c.put("first_decay_steps", firstDecaySteps);
        c.put("t_mul", tMul);
        c.put("m_mul", mMul);
        c.put("alpha", alpha);
        c.put("name", name);
        return c;
    }

    public double initialLearningRate() {
        return initialLearningRate;
    }

    public long firstDecaySteps() {
        return firstDecaySteps;
    }

    public double tMul() {
        return tMul;
    }

    public double mMul() {
        return mMul;
    }

    public double alpha() {
        return alpha;
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
