package org.sparkadadelta.optim.schedules;

import java.util.List;

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
public record CosineDecayRestarts(double initialLearningRate, long firstDecaySteps, double tMul, double mMul,
        double alpha, String name) implements ScalarSchedule {

    /** @throws IllegalArgumentException if {@code firstDecaySteps <= 0}, with Keras's message */
    public CosineDecayRestarts {
        ScheduleArguments.requirePositive("first_decay_steps", firstDecaySteps);
    }

    /**
     * {@code CosineDecayRestarts(initial_learning_rate, first_decay_steps)} with Keras's defaults
     * ({@code t_mul=2.0, m_mul=1.0, alpha=0.0}).
     */
    public CosineDecayRestarts(double initialLearningRate, long firstDecaySteps) {
        this(initialLearningRate, firstDecaySteps, 2.0, 1.0, 0.0, "SGDRDecay");
    }

    /** {@code CosineDecayRestarts(**config)}. */
    static CosineDecayRestarts fromConfig(ScheduleArguments a) {
        a.bind(List.of("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha", "name"), 2);
        a.kerasPositive("first_decay_steps");
        return new CosineDecayRestarts(a.dbl("initial_learning_rate", 0), a.steps("first_decay_steps", 0),
                a.dbl("t_mul", 2.0), a.dbl("m_mul", 1.0), a.dbl("alpha", 0.0), a.name("SGDRDecay"));
    }

    @Override
    public float valueAt(long step) {
        float tMulF = (float) tMul;
        float completed = (float) step / (float) firstDecaySteps;
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
        float mFac = (float) Math.pow((float) mMul, restart);
        float cosineDecayed = (0.5f * mFac) * ScheduleMath.onePlusCosPi(completed);
        float alphaF = (float) alpha;
        float decayed = (1f - alphaF) * cosineDecayed + alphaF;
        return (float) initialLearningRate * decayed;
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
