package org.sparkadadelta.optim.schedules;

import java.util.List;

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
 *
 * @param warmupTarget null for no warmup (Keras's {@code None})
 */
public record CosineDecay(double initialLearningRate, long decaySteps, double alpha, String name,
        Double warmupTarget, long warmupSteps) implements ScalarSchedule {

    /** @throws IllegalArgumentException if {@code decaySteps <= 0}, with Keras's message */
    public CosineDecay {
        ScheduleArguments.requirePositive("decay_steps", decaySteps);
    }

    /**
     * {@code CosineDecay(initial_learning_rate, decay_steps)} with Keras's defaults
     * ({@code alpha=0.0}, no warmup).
     */
    public CosineDecay(double initialLearningRate, long decaySteps) {
        this(initialLearningRate, decaySteps, 0.0, "CosineDecay", null, 0L);
    }

    /** {@code CosineDecay(**config)}. */
    static CosineDecay fromConfig(ScheduleArguments a) {
        a.bind(List.of("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps"), 2);
        a.kerasPositive("decay_steps");
        return new CosineDecay(a.dbl("initial_learning_rate", 0), a.steps("decay_steps", 0), a.dbl("alpha", 0.0),
                a.name("CosineDecay"), a.optDbl("warmup_target"), a.steps("warmup_steps", 0L));
    }

    @Override
    public float valueAt(long step) {
        float s = (float) step;
        float initF = (float) initialLearningRate;
        float decayStepsF = (float) decaySteps;
        if (warmupTarget == null) {
            return decay(Math.min(s, decayStepsF), initF);
        }
        float target = (float) warmupTarget.doubleValue();
        float warmupStepsF = (float) warmupSteps;
        s = Math.min(s, decayStepsF + warmupStepsF);
        if (s < warmupStepsF) {
            float completed = s / warmupStepsF;
            return (target - initF) * completed + initF;
        }
        return decay(s - warmupStepsF, target);
    }

    private float decay(float t, float from) {
        float completed = t / (float) decaySteps;
        float cosineDecayed = 0.5f * ScheduleMath.onePlusCosPi(completed);
        float decayed = (float) (1.0 - alpha) * cosineDecayed + (float) alpha;
        return from * decayed;
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
