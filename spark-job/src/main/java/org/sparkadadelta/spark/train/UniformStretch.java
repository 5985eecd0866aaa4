package org.sparkadadelta.spark.train;

import java.nio.FloatBuffer;
import org.sparkadadelta.optim.BaseOptimizer;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerOptions;

/**
 * How many micro-steps, starting with the next one, have their gradients computed at the same weights and
 * the same loss scale, so that one Spark job can compute all of their micro-batch gradients (SEMANTICS.md
 * sections 3, 7, 8, 11). A micro-batch's gradient depends on its rows, the weights and the loss scale only,
 * so gradients computed ahead at unchanged weights and scale are the ones a job per micro-step would get.
 *
 * <p>The rule, with {@code raw} the optimizer's {@code _iterations} before the next {@code apply} and
 * {@code N} its {@code gradient_accumulation_steps}:
 * <ol>
 * <li>Without accumulation every {@code apply} updates the weights: one micro-step.</li>
 * <li>With accumulation, {@code apply} at {@code raw} changes the weights only on the update micro-step
 *     {@code (raw + 1) % N == 0}, or when it overwrites them with the EMA averages: {@code use_ema} and
 *     {@code (raw // N + 1) % ema_overwrite_frequency == 0}, which holds on all N micro-steps of such a
 *     window, update or not (and the averages move on each of them). So: in an overwrite window, one
 *     micro-step; otherwise up to and including the window's update micro-step, {@code N - raw % N}. (The
 *     next overwrite window only starts after that update.)</li>
 * <li>A LossScaleOptimizer doubles its scale in the {@code apply} whose {@code step_counter} is
 *     {@code dynamic_growth_steps - 1}: at most {@code dynamic_growth_steps - step_counter} micro-steps. It
 *     halves the scale (and the inner optimizer does not count the step, shifting every later window) on a
 *     non-finite gradient, which nobody can know before computing it: {@link #unchanged} then tells the
 *     caller to discard the rest of the precomputed gradients, and the next stretch is planned afresh from
 *     the optimizer's state.</li>
 * <li>The caller caps the stretch at the epoch's end (validation and epoch checkpoints sit between epochs)
 *     and at the next checkpoint step, so that checkpoints, and runs resumed from them in mid-window, see
 *     the same jobs as any other run.</li>
 * </ol>
 * Rule 3's growth and the rule 2 bounds assume every micro-step of the stretch is finite; when one is not,
 * the gradients after it are discarded, so the result never depends on the prediction being right, only
 * the number of jobs does.
 */
final class UniformStretch {
    private final Optimizer optimizer;
    private final int accumulation;
    private final int overwriteEvery;
    private final LossScaleOptimizer lossScaling;

    private UniformStretch(Optimizer optimizer, int accumulation, int overwriteEvery,
            LossScaleOptimizer lossScaling) {
        this.optimizer = optimizer;
        this.accumulation = accumulation;
        this.overwriteEvery = overwriteEvery;
        this.lossScaling = lossScaling;
    }

    static UniformStretch of(Optimizer optimizer) {
        LossScaleOptimizer lso = optimizer instanceof LossScaleOptimizer l ? l : null;
        Optimizer keras = lso != null ? lso.innerOptimizer() : optimizer;
        if (!(keras instanceof BaseOptimizer base)) { // an optimizer we know nothing about: a job per step
            return new UniformStretch(optimizer, 0, 0, lso);
        }
        OptimizerOptions o = base.options();
        return new UniformStretch(optimizer, o.accumulationPeriod(), o.useEma() ? o.overwritePeriod() : 0, lso);
    }

    /** The micro-steps from the next one whose gradients share weights and loss scale, between 1 and {@code limit}. */
    long length(long limit) {
        if (limit <= 1 || accumulation < 2) {
            return 1;
        }
        long raw = optimizer.rawIterations();
        long window = raw / accumulation;
        if (overwriteEvery > 0 && (window + 1) % overwriteEvery == 0) {
            return 1;
        }
        long length = accumulation - raw % accumulation;
        if (lossScaling != null) {
            length = Math.min(length, Math.max(1, lossScaling.dynamicGrowthSteps() - lossScaling.stepCounter()));
        }
        return Math.min(length, limit);
    }

    /**
     * Whether the gradients computed at {@code weights} and {@code lossScale} still hold for the next
     * micro-step: same weight bits (NaN payloads and signed zeros included) and same scale.
     */
    static boolean unchanged(float[] weights, float lossScale, FloatBuffer weightsNow, float lossScaleNow) {
        if (Float.floatToRawIntBits(lossScale) != Float.floatToRawIntBits(lossScaleNow)
                || weights.length != weightsNow.limit()) {
            return false;
        }
        for (int i = 0; i < weights.length; i++) {
            if (Float.floatToRawIntBits(weights[i]) != Float.floatToRawIntBits(weightsNow.get(i))) {
                return false;
            }
        }
        return true;
    }
}
