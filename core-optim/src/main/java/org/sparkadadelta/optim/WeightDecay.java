package org.sparkadadelta.optim;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.tensor.FusedLoops;
import org.sparkadadelta.optim.tensor.FusedStages;
import org.sparkadadelta.optim.tensor.Precision;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Keras's decoupled weight decay, {@code v := v - ((v * wd) * lr)} in the variable's dtype, run before the
 * update step on the variables that have a gradient, unless excluded.
 *
 * <p>Exclusion follows Keras: by variable identity, or when any of the given names is found by a regex
 * search anywhere in the variable's <em>name</em> (not its path).
 */
final class WeightDecay {
    private final Double factor;
    private final TensorMath math;
    private final Scratch scratch;
    private final FusedLoops fused;
    private final Set<Variable> excludedVariables = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> excludedNames = new LinkedHashSet<>();
    private Pattern excludedNamePattern;
    private final Map<Variable, Boolean> decisions = new IdentityHashMap<>();

    /** @param fused a single loop per variable, or null for {@code math}'s ops */
    WeightDecay(Double factor, TensorMath math, Scratch scratch, FusedLoops fused) {
        this.factor = factor;
        this.math = math;
        this.scratch = scratch;
        this.fused = fused;
    }

    void exclude(Collection<Variable> variables, Collection<String> names) {
        if (variables != null) {
            excludedVariables.addAll(variables);
        }
        if (names != null && !names.isEmpty()) {
            excludedNames.addAll(names);
            excludedNamePattern = Pattern.compile(String.join("|", excludedNames));
        }
        decisions.clear();
    }

    void apply(List<Variable> variables, double learningRate) {
        if (factor == null) {
            return;
        }
        // Keras stores weight_decay as a float32 scalar, so float64 variables see it widened from float32
        // (TensorFlow's behaviour, recorded by the tf_fuzz golden cases).
        double wd = Precision.FLOAT32.round(factor);
        for (Variable v : variables) {
            if (isDecayed(v)) {
                double lr = v.precision().round(learningRate);
                if (fused != null && FusedLoops.supports(v.value(), v.value())) {
                    fused.decay(v.value(), wd, lr);
                    continue;
                }
                INDArray decay = scratch.get(v, Scratch.Use.TEMP_A);
                math.multiply(v.value(), wd, decay);
                math.multiply(decay, lr, decay);
                math.subtract(v.value(), decay, v.value());
            }
        }
    }

    /** Weight decay of {@code v} as a stage of its fused update, if it is decayed. */
    void stage(Variable v, double learningRate, FusedStages stages) {
        if (factor != null && isDecayed(v)) {
            stages.decay(Precision.FLOAT32.round(factor), v.precision().round(learningRate));
        }
    }

    boolean isDecayed(Variable v) {
        return decisions.computeIfAbsent(v, x -> !excludedVariables.contains(x)
                && (excludedNamePattern == null || !excludedNamePattern.matcher(x.name()).find()));
    }
}
