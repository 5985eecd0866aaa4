package org.sparkadadelta.optim.schedules;

/** The float32 expressions several schedules share, each op rounding once in float32 as Keras's tensors do. */
final class ScheduleMath {
    /** {@code pi} rounded to float32, as Keras's cosine schedules use it. */
    private static final float PI_F = (float) Math.PI;

    private ScheduleMath() {
    }

    /**
     * Keras's {@code step / decay_steps} in float32, floored when {@code staircase} is set (the exponent of
     * ExponentialDecay, the quotient of InverseTimeDecay).
     */
    static float progress(long step, long decaySteps, boolean staircase) {
        float p = (float) step / (float) decaySteps;
        return staircase ? (float) Math.floor(p) : p;
    }

    /** {@code 1 + cos(pi * x)} in float32, with {@code pi} rounded to float32, as the cosine schedules use it. */
    static float onePlusCosPi(float x) {
        return 1f + (float) Math.cos(PI_F * x);
    }
}
