package org.sparkadadelta.optim.schedules;

import java.util.Map;

/**
 * A Keras {@code keras.optimizers.schedules.LearningRateSchedule}: the learning rate as a function of the
 * optimizer's raw iteration counter.
 *
 * <p>Implementations reproduce Keras's float32 operation sequence (SEMANTICS.md section 10): every
 * configuration number is rounded to float32 and each op rounds once in float32, with transcendental
 * functions evaluated as {@code (float) Math.pow/cos/log} of float32 arguments.
 */
public interface LearningRateSchedule {
    /** The learning rate at raw iteration {@code step} (Keras evaluates {@code schedule(iterations)}). */
    float valueAt(long step);

    /** The Keras class name, e.g. {@code "ExponentialDecay"}. */
    String className();

    /**
     * Keras's {@code get_config()}: keys in Keras's order, values as the user gave them (not rounded).
     * Floats are {@link Double}, integers {@link Long}, booleans {@link Boolean}, absent values null.
     */
    Map<String, Object> config();
}
