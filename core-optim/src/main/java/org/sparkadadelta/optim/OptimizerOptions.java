package org.sparkadadelta.optim;

import static org.sparkadadelta.optim.python.PythonRepr.repr;

import java.util.Objects;

/**
 * The constructor arguments every Keras optimizer shares ({@code base_optimizer.py}), validated exactly as
 * Keras validates them and with Keras's messages.
 *
 * <p>Values are kept as given, so {@code getConfig()} writes back what the user passed: for example
 * {@code gradientAccumulationSteps = 0} is "off" but is still reported as 0, and a clip value of 0 or
 * below is accepted and simply disables clipping. Null means Python's {@code None}.
 *
 * @param name                      the optimizer name; null picks Keras's automatic name
 * @param learningRate              a float, schedule or supplier
 * @param weightDecay               decoupled weight decay factor, applied whenever not null (even 0.0)
 * @param clipnorm                  per-tensor L2 clipping threshold
 * @param globalClipnorm            clipping threshold on the global L2 norm of all gradients
 * @param clipvalue                 elementwise clipping bound
 * @param useEma                    keep an exponential moving average of the model variables
 * @param emaMomentum               EMA momentum in [0, 1]
 * @param emaOverwriteFrequency     overwrite the variables with their average every this many steps
 * @param lossScaleFactor           gradients are divided by this before anything else
 * @param gradientAccumulationSteps apply an update every this many {@code apply} calls (null or 0: off)
 */
public record OptimizerOptions(
        String name,
        LearningRate learningRate,
        Double weightDecay,
        Double clipnorm,
        Double globalClipnorm,
        Double clipvalue,
        boolean useEma,
        double emaMomentum,
        Integer emaOverwriteFrequency,
        Double lossScaleFactor,
        Integer gradientAccumulationSteps) {

    public static final double DEFAULT_EMA_MOMENTUM = 0.99;

    public OptimizerOptions {
        validate(gradientAccumulationSteps, useEma, emaMomentum, emaOverwriteFrequency, clipnorm, clipvalue,
                globalClipnorm);
        if (learningRate == null) {
            throw invalidLearningRate("None");
        }
    }

    /**
     * Keras's argument checks other than the learning rate's, in Keras's order. Public so that the
     * keyword-argument reader can run them before it converts the learning rate, as Keras does.
     */
    public static void validate(Integer gradientAccumulationSteps, boolean useEma, double emaMomentum,
            Integer emaOverwriteFrequency, Double clipnorm, Double clipvalue, Double globalClipnorm) {
        // Keras checks only a truthy value, so 0 (and None) mean "off".
        if (gradientAccumulationSteps != null && gradientAccumulationSteps != 0 && gradientAccumulationSteps < 2) {
            throw new IllegalArgumentException("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                    + "gradient_accumulation_steps=" + gradientAccumulationSteps);
        }
        if (useEma) {
            if (emaMomentum > 1 || emaMomentum < 0) {
                throw new IllegalArgumentException("`ema_momentum` must be in the range [0, 1]. Received: "
                        + "ema_momentum=" + repr(emaMomentum));
            }
            if (emaOverwriteFrequency != null && emaOverwriteFrequency != 0 && emaOverwriteFrequency < 1) {
                throw invalidOverwriteFrequency(emaOverwriteFrequency);
            }
        }
        int clipModes = (clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0) + (globalClipnorm != null ? 1 : 0);
        if (clipModes > 1) {
            throw new IllegalArgumentException("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                    + "Received: clipnorm=" + repr(clipnorm) + ", clipvalue=" + repr(clipvalue)
                    + ", global_clipnorm=" + repr(globalClipnorm));
        }
    }

    public static IllegalArgumentException invalidOverwriteFrequency(Object given) {
        return new IllegalArgumentException("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                + "ema_overwrite_frequency=" + repr(given));
    }

    /** Keras's message for a learning rate that is not a float, schedule or callable; {@code shown} is str(value). */
    public static IllegalArgumentException invalidLearningRate(String shown) {
        return new IllegalArgumentException("Argument `learning_rate` should be float, or an instance of "
                + "LearningRateSchedule, or a callable (that takes in the current iteration value and returns the "
                + "corresponding learning rate value). Received instead: learning_rate=" + shown);
    }

    /** The accumulation period N, or 0 when accumulation is off. */
    public int accumulationPeriod() {
        return gradientAccumulationSteps == null ? 0 : Math.max(gradientAccumulationSteps, 0);
    }

    /** The EMA overwrite period, or 0 when the variables are never overwritten. */
    public int overwritePeriod() {
        return emaOverwriteFrequency == null ? 0 : Math.max(emaOverwriteFrequency, 0);
    }

    public OptimizerOptions withLossScaleFactor(Double factor) {
        return new OptimizerOptions(name, learningRate, weightDecay, clipnorm, globalClipnorm, clipvalue, useEma,
                emaMomentum, emaOverwriteFrequency, factor, gradientAccumulationSteps);
    }

    /**
     * Fluent setters for the shared arguments; each optimizer's builder extends it with its own.
     *
     * @param <B> the concrete builder, so that chained calls keep its type
     */
    public abstract static class Builder<B extends Builder<B>> {
        private String name;
        private LearningRate learningRate;
        private Double weightDecay;
        private Double clipnorm;
        private Double globalClipnorm;
        private Double clipvalue;
        private boolean useEma;
        private double emaMomentum = DEFAULT_EMA_MOMENTUM;
        private Integer emaOverwriteFrequency;
        private Double lossScaleFactor;
        private Integer gradientAccumulationSteps;

        protected Builder(double defaultLearningRate) {
            this.learningRate = LearningRate.of(defaultLearningRate);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        public B name(String value) {
            this.name = value;
            return self();
        }

        public B learningRate(double value) {
            return learningRate(LearningRate.of(value));
        }

        public B learningRate(LearningRate value) {
            this.learningRate = Objects.requireNonNull(value, "learningRate");
            return self();
        }

        public B weightDecay(Double value) {
            this.weightDecay = value;
            return self();
        }

        public B clipnorm(Double value) {
            this.clipnorm = value;
            return self();
        }

        public B globalClipnorm(Double value) {
            this.globalClipnorm = value;
            return self();
        }

        public B clipvalue(Double value) {
            this.clipvalue = value;
            return self();
        }

        public B useEma(boolean value) {
            this.useEma = value;
            return self();
        }

        public B emaMomentum(double value) {
            this.emaMomentum = value;
            return self();
        }

        public B emaOverwriteFrequency(Integer value) {
            this.emaOverwriteFrequency = value;
            return self();
        }

        public B lossScaleFactor(Double value) {
            this.lossScaleFactor = value;
            return self();
        }

        public B gradientAccumulationSteps(Integer value) {
            this.gradientAccumulationSteps = value;
            return self();
        }

        /** Copies every shared argument from {@code options}. */
        public B options(OptimizerOptions options) {
            name = options.name();
            learningRate = options.learningRate();
            weightDecay = options.weightDecay();
            clipnorm = options.clipnorm();
            globalClipnorm = options.globalClipnorm();
            clipvalue = options.clipvalue();
            useEma = options.useEma();
            emaMomentum = options.emaMomentum();
            emaOverwriteFrequency = options.emaOverwriteFrequency();
            lossScaleFactor = options.lossScaleFactor();
            gradientAccumulationSteps = options.gradientAccumulationSteps();
            return self();
        }

        /** The shared arguments, validated. */
        protected OptimizerOptions baseOptions() {
            return new OptimizerOptions(name, learningRate, weightDecay, clipnorm, globalClipnorm, clipvalue, useEma,
                    emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps);
        }
    }
}
