package org.sparkadadelta.optim;

import static org.sparkadadelta.optim.python.PythonRepr.repr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.schedules.LearningRateSchedule;
import org.sparkadadelta.optim.tensor.FusedLoops;
import org.sparkadadelta.optim.tensor.FusedStages;
import org.sparkadadelta.optim.tensor.TensorMath;

/**
 * Everything a Keras 3 optimizer does around its update rule ({@code base_optimizer.py}): iteration
 * counting, the learning rate (float, schedule or supplier), loss-scale division, gradient accumulation,
 * clipping, decoupled weight decay, EMA, None gradients, state in Keras order and names, and the config.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>Construct (arguments are validated as Keras validates them).</li>
 *   <li>{@link #build} with the model variables, or let the first {@link #apply} build: creates the
 *       slots, named after each variable's path.</li>
 *   <li>{@link #apply} once per step with one gradient per variable (null: no gradient this step).</li>
 *   <li>{@link #finalizeVariableValues} at the end of training: with EMA, writes the averages into the
 *       variables, as Keras's {@code fit()} does.</li>
 * </ol>
 * A subclass supplies only its slots ({@link #createSlots}) and its rule ({@link #updateStep}), like
 * Keras's {@code build} and {@code update_step}. Not thread-safe: one optimizer per training loop.
 */
public abstract class BaseOptimizer implements Optimizer {
    private OptimizerOptions options;
    private final String name;
    protected final TensorMath math;
    private final Scratch scratch;
    private final FusedLoops fused;
    /** One per built variable, for the fused step (empty without the fused loops). */
    private final List<FusedStages> stages = new ArrayList<>();
    private final GradientClipping clipping;
    private final WeightDecay weightDecay;
    private final Variable iteration;
    private LearningRate learningRate;
    private Variable learningRateVariable;
    private final List<OptimizerVariable> state = new ArrayList<>();
    private List<Variable> trainableVariables;
    private final Map<Variable, Integer> indexOf = new IdentityHashMap<>();
    private MovingAverage movingAverage;
    private GradientAccumulator accumulator;
    private String buildScope;
    private WarningListener warnings = WarningListener.LOG;
    private ClippingObserver clippingObserver;

    protected BaseOptimizer(OptimizerOptions options, String defaultName, TensorMath math) {
        this(options, defaultName, math, false);
    }

    /**
     * @param fusedLoops run weight decay, EMA and norm clipping as single Java loops ({@link FusedLoops})
     *                   instead of {@code math}'s ops, wherever the arrays allow it (same bits)
     */
    protected BaseOptimizer(OptimizerOptions options, String defaultName, TensorMath math, boolean fusedLoops) {
        this.options = options;
        this.name = options.name() != null ? options.name() : KerasNames.unique(defaultName);
        this.math = math;
        this.scratch = new Scratch(math);
        this.fused = fusedLoops ? new FusedLoops() : null;
        this.clipping = GradientClipping.of(options, math, scratch, fused);
        this.weightDecay = new WeightDecay(options.weightDecay(), math, scratch, fused);
        this.iteration = new Variable("iteration", name + "/iteration", Nd4j.scalar(DataType.INT, 0));
        state.add(new OptimizerVariable(iteration, "iteration", null));
        setLearningRateInternal(options.learningRate());
    }

    // ---------------------------------------------------------------- the subclass contract

    /** Creates the optimizer's own slots, in Keras order, with {@link #addSlot}. */
    protected abstract void createSlots(List<Variable> variables);

    /**
     * The optimizer's rule for one variable: its (clipped, averaged) gradient, in the gradient's dtype,
     * and the learning rate as evaluated for this step (a float32 value unless a supplier gave more).
     */
    protected abstract void updateStep(INDArray gradient, Variable variable, double learningRate);

    /**
     * Whether {@link #updateStep(INDArray, Variable, double, FusedStages)} can run this variable's step: the
     * rule with the base optimizer's elementwise work in one pass. No by default.
     */
    protected boolean fusesStages(INDArray gradient, Variable variable) {
        return false;
    }

    /**
     * The rule with {@code stages} run in the same pass: the gradient averaged and clipped before the rule
     * uses it, the variable decayed before the rule and averaged after. Only called where
     * {@link #fusesStages} said yes.
     */
    protected void updateStep(INDArray gradient, Variable variable, double learningRate, FusedStages stages) {
        throw new UnsupportedOperationException(kerasClassName() + " has no fused update step");
    }

    /** Keras's class name, e.g. {@code Adadelta}. */
    @Override
    public abstract String kerasClassName();

    /** The arguments only this optimizer has, in Keras's config order. */
    protected abstract Map<String, Object> ownConfig();

    /**
     * A zero slot shaped and typed like {@code variable}: named {@code <path with / as _>_<role>} and living
     * at {@code <scope>/<name>}, as Keras's {@code add_variable_from_reference} names it.
     */
    protected final Variable addSlot(Variable variable, String role) {
        if (buildScope == null) {
            throw new IllegalStateException("Slots can only be added while the optimizer is being built");
        }
        String slotName = variable.path().replace('/', '_') + "_" + role;
        INDArray zeros = math.zeros(variable.shape(), variable.precision());
        Variable slot = new Variable(slotName, buildScope + "/" + slotName, zeros);
        state.add(new OptimizerVariable(slot, role, variable));
        return slot;
    }

    /** The working arrays of this optimizer's variables (created at build time, reused every step). */
    final Scratch scratch() {
        return scratch;
    }

    /** The position of a model variable in the build order. */
    protected final int indexOf(Variable variable) {
        Integer i = indexOf.get(variable);
        if (i == null) {
            throw unknownVariable(variable);
        }
        return i;
    }

    // ---------------------------------------------------------------- building

    @Override
    public final boolean isBuilt() {
        return trainableVariables != null;
    }

    /** Creates the optimizer state for these variables. Called by the first {@link #apply} if needed. */
    @Override
    public void build(List<Variable> variables) {
        build(variables, name);
    }

    /** Builds with slot paths under {@code scope} (Keras's name scope at build time). */
    protected void build(List<Variable> variables, String scope) {
        if (isBuilt()) {
            throw new IllegalStateException("Optimizer '" + name + "' is already built");
        }
        List<Variable> vars = List.copyOf(variables);
        for (int i = 0; i < vars.size(); i++) {
            if (indexOf.putIfAbsent(vars.get(i), i) != null) {
                throw new IllegalArgumentException("Variable " + vars.get(i).path() + " is listed twice");
            }
        }
        buildScope = scope;
        try {
            if (options.useEma()) {
                movingAverage = new MovingAverage(options.emaMomentum(), options.overwritePeriod(),
                        slotsFor(vars, "average"), math, scratch, fused);
            }
            if (options.accumulationPeriod() > 0) {
                accumulator = new GradientAccumulator(options.accumulationPeriod(),
                        slotsFor(vars, "gradient_accumulator"), math, scratch);
            }
            trainableVariables = vars;
            if (fused != null) {
                for (int i = 0; i < vars.size(); i++) {
                    stages.add(new FusedStages());
                }
            }
            createSlots(vars);
            reserveScratch(vars);
        } finally {
            buildScope = null;
        }
    }

    /**
     * The working arrays every step needs, so that the first step does not create them. The fused loops
     * need no temporaries (arrays they cannot run on get theirs on first use).
     */
    private void reserveScratch(List<Variable> vars) {
        boolean gradientIsRewritten = options.lossScaleFactor() != null || accumulator != null || clipping.isActive();
        for (Variable v : vars) {
            if (fused == null) {
                scratch.get(v, Scratch.Use.TEMP_A);
                scratch.get(v, Scratch.Use.TEMP_B);
            }
            if (gradientIsRewritten) {
                scratch.get(v, Scratch.Use.GRADIENT);
            }
        }
    }

    private List<Variable> slotsFor(List<Variable> vars, String role) {
        List<Variable> slots = new ArrayList<>(vars.size());
        for (Variable v : vars) {
            slots.add(addSlot(v, role));
        }
        return slots;
    }

    // ---------------------------------------------------------------- applying gradients

    /** Applies gradients to the variables the optimizer was built with, in build order. */
    @Override
    public void apply(List<INDArray> grads) {
        apply(grads, null);
    }

    /**
     * One optimizer step: {@code grads.get(i)} is the gradient of {@code variables.get(i)}, or null when the
     * variable has no gradient this step (it is then skipped, with Keras's warning). Builds on first use.
     * With {@code variables == null} the built variables are used.
     */
    @Override
    public void apply(List<INDArray> grads, List<Variable> variables) {
        if (grads.isEmpty()) {
            return;
        }
        List<Variable> vars = resolveVariables(grads, variables);
        List<INDArray> present = new ArrayList<>();
        List<Variable> presentVars = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < grads.size(); i++) {
            INDArray g = grads.get(i);
            Variable v = vars.get(i);
            if (g == null) {
                missing.add(v.path());
                continue;
            }
            requireSameShape(g, v);
            present.add(g);
            presentVars.add(v);
        }
        if (present.isEmpty()) {
            throw new IllegalArgumentException("No gradients provided for any variable.");
        }
        if (!missing.isEmpty()) {
            warnings.warn("Gradients do not exist for variables " + repr(missing) + " when minimizing the loss. "
                    + "If using `model.compile()`, did you forget to provide a `loss` argument?");
        }
        applyPresent(present, presentVars);
    }

    private List<Variable> resolveVariables(List<INDArray> grads, List<Variable> variables) {
        if (variables == null) {
            if (!isBuilt()) {
                throw new IllegalArgumentException("When passing `grads` without `variables`, the optimizer must "
                        + "already be built on a list of variables. Call `optimizer.build(trainable_variables)` "
                        + "first. ");
            }
            if (grads.size() != trainableVariables.size()) {
                throw new IllegalArgumentException("When passing `grads` as a list of gradient tensors, the "
                        + "gradients must match `optimizer.variables` one-to-on. Received a list of " + grads.size()
                        + " gradients, but the optimizer is tracking " + trainableVariables.size()
                        + " trainable variables.");
            }
            return trainableVariables;
        }
        if (grads.size() != variables.size()) {
            throw new IllegalArgumentException("Received " + grads.size() + " gradients for " + variables.size()
                    + " variables: pass exactly one gradient (or null) per variable.");
        }
        if (!isBuilt()) {
            build(variables);
        }
        for (Variable v : variables) {
            if (!indexOf.containsKey(v)) {
                throw unknownVariable(v);
            }
        }
        return variables;
    }

    private static void requireSameShape(INDArray g, Variable v) {
        if (!Arrays.equals(g.shape(), v.shape())) {
            throw new IllegalArgumentException("operands could not be broadcast together with shapes "
                    + Variable.Shapes.numpy(v.shape()) + " " + Variable.Shapes.numpy(g.shape()) + " ");
        }
    }

    private static IllegalArgumentException unknownVariable(Variable v) {
        return new IllegalArgumentException("Unknown variable: " + v + ". This optimizer can only be called for "
                + "the variables it was originally built with. When working with a new set of variables, you "
                + "should recreate a new optimizer instance.");
    }

    /** Steps A5 to A9 of SEMANTICS.md: the gradients here are all present. */
    private void applyPresent(List<INDArray> grads, List<Variable> vars) {
        long raw = rawIterations();
        if (options.lossScaleFactor() != null) {
            grads = scratch.divided(grads, vars, options.lossScaleFactor());
        }
        double lr = learningRateValue();
        boolean[] averaged = null;
        if (accumulator == null) {
            averaged = update(grads, vars, lr, null);
        } else {
            int[] indices = vars.stream().mapToInt(this::indexOf).toArray();
            if (accumulator.isUpdateStep(raw)) {
                averaged = update(grads, vars, lr, indices);
                accumulator.reset();
            } else {
                accumulator.add(grads, indices);
            }
        }
        if (movingAverage != null) {
            movingAverage.update(trainableVariables, iterations(), averaged);
        }
        iteration.value().assign(raw + 1);
    }

    /**
     * Clipping, weight decay and the rule; on an accumulation update step ({@code accumulatorIndices}: the
     * variables' build indices) the gradients are first averaged with the accumulated sums.
     *
     * @return the build indices whose EMA this step already updated (fused), or null
     */
    private boolean[] update(List<INDArray> grads, List<Variable> vars, double lr, int[] accumulatorIndices) {
        if (fused != null && clippingObserver == null) {
            if (accumulatorIndices != null && clipping.needsNorms()) {
                grads = accumulator.averaged(grads, vars, accumulatorIndices); // the norms are of the average
                accumulatorIndices = null;
            }
            List<FusedStages> staged = stage(grads, vars, lr, accumulatorIndices);
            if (staged != null) {
                return fusedUpdate(grads, vars, lr, staged);
            }
        }
        if (accumulatorIndices != null) {
            grads = accumulator.averaged(grads, vars, accumulatorIndices);
        }
        separateUpdate(grads, vars, lr);
        return null;
    }

    /**
     * Each variable's stages without clipping, or null when some variable cannot take the fused step (then
     * every variable takes the separate passes).
     */
    private List<FusedStages> stage(List<INDArray> grads, List<Variable> vars, double lr, int[] accumulatorIndices) {
        List<FusedStages> staged = stages.subList(0, vars.size());
        long publicIterations = iterations();
        for (int i = 0; i < vars.size(); i++) {
            Variable v = vars.get(i);
            FusedStages s = staged.get(i).clear();
            if (accumulatorIndices != null) {
                accumulator.stage(accumulatorIndices[i], s);
            }
            weightDecay.stage(v, lr, s);
            if (movingAverage != null) {
                movingAverage.stage(indexOf(v), v, publicIterations, s);
            }
            if (!s.supports(v.value()) || !fusesStages(grads.get(i), v)) {
                return null;
            }
        }
        return staged;
    }

    private boolean[] fusedUpdate(List<INDArray> grads, List<Variable> vars, double lr, List<FusedStages> staged) {
        clipping.stage(grads, staged);
        boolean[] averaged = movingAverage == null ? null : new boolean[trainableVariables.size()];
        for (int i = 0; i < vars.size(); i++) {
            updateStep(grads.get(i), vars.get(i), lr, staged.get(i));
            if (averaged != null) {
                averaged[indexOf(vars.get(i))] = true;
            }
        }
        return averaged;
    }

    private void separateUpdate(List<INDArray> grads, List<Variable> vars, double lr) {
        if (clippingObserver != null) {
            clippingObserver.beforeClipping(vars, grads);
        }
        List<INDArray> clipped = clipping.clip(grads, vars);
        if (clippingObserver != null) {
            clipped = clippingObserver.afterClipping(vars, clipped);
        }
        weightDecay.apply(vars, lr);
        for (int i = 0; i < vars.size(); i++) {
            updateStep(clipped.get(i), vars.get(i), lr);
        }
    }

    /**
     * A seam for the differential test against Keras only (KerasDifferentialTest): sees the gradients that go
     * into clipping and the clipped ones, where Keras's {@code _clip_gradients} sits (update steps only, after
     * the loss-scale division and the accumulation average), and may replace the clipped ones. Clipping writes
     * in place, so the input is only valid inside {@link #beforeClipping}. Unset in production: no cost.
     */
    interface ClippingObserver {
        void beforeClipping(List<Variable> vars, List<INDArray> grads);

        /** @return the gradients the rest of the step uses (weight decay, the update rule) */
        List<INDArray> afterClipping(List<Variable> vars, List<INDArray> clipped);
    }

    /** Installs (or with null removes) the {@link ClippingObserver}; for the differential test only. */
    void setClippingObserver(ClippingObserver observer) {
        this.clippingObserver = observer;
    }

    /**
     * With EMA, overwrites {@code variables} with their moving averages (by position, as Keras does);
     * without EMA, does nothing. Call once at the end of training.
     */
    @Override
    public void finalizeVariableValues(List<Variable> variables) {
        if (movingAverage == null) {
            return;
        }
        if (variables.size() != movingAverage.size()) {
            throw new IllegalArgumentException("The length of model variables (" + variables.size() + ") to "
                    + "override does not match the length of model variables stored in the optimizer ("
                    + movingAverage.size() + "). Please check if the optimizer was called on your model.");
        }
        movingAverage.copyAveragesInto(variables);
    }

    @Override
    public double lossScale() {
        return options.lossScaleFactor() == null ? 1.0 : options.lossScaleFactor();
    }

    /** A {@link LossScaleOptimizer} does the loss-scale division itself, so it switches the inner one off. */
    void clearLossScaleFactor() {
        options = options.withLossScaleFactor(null);
    }

    // ---------------------------------------------------------------- weight decay exclusion

    /**
     * Excludes variables from weight decay, by identity or by a regex searched in their name. Each call adds
     * to the previous ones and takes effect from the next {@link #apply}.
     */
    public void excludeFromWeightDecay(Collection<Variable> variables, Collection<String> names) {
        weightDecay.exclude(variables, names);
    }

    public void excludeFromWeightDecay(Collection<String> names) {
        excludeFromWeightDecay(Collections.emptyList(), names);
    }

    // ---------------------------------------------------------------- counters and learning rate

    /** Keras's {@code _iterations}: every {@code apply} that reached the update logic, micro-steps included. */
    @Override
    public long rawIterations() {
        return iteration.value().getLong(0);
    }

    /** Keras's public {@code iterations}: applied updates ({@code raw // N} with accumulation). */
    @Override
    public long iterations() {
        long raw = rawIterations();
        return accumulator == null ? raw : Math.floorDiv(raw, accumulator.period());
    }

    /** The learning rate the next {@link #apply} will use. */
    @Override
    public double learningRateValue() {
        if (learningRate instanceof LearningRate.Scheduled s) {
            return s.schedule().valueAt(rawIterations());
        }
        if (learningRate instanceof LearningRate.Supplied s) {
            return s.supplier().getAsDouble();
        }
        return learningRateVariable.value().getDouble(0);
    }

    @Override
    public LearningRate learningRate() {
        if (learningRate instanceof LearningRate.Constant) {
            return LearningRate.of(learningRateVariable.value().getDouble(0));
        }
        return learningRate;
    }

    /**
     * Keras's setter: a float is stored in the float32 variable; a schedule or supplier replaces the rate
     * (and the learning-rate variable leaves {@link #variables()}). A float cannot replace a schedule.
     */
    @Override
    public void setLearningRate(LearningRate lr) {
        if (lr instanceof LearningRate.Constant c && learningRate instanceof LearningRate.Constant) {
            learningRateVariable.value().assign((float) c.value());
            return;
        }
        if (lr instanceof LearningRate.Constant) {
            throw new UnsupportedOperationException("This optimizer was created with a `LearningRateSchedule` object "
                    + "as its `learning_rate` constructor argument, hence its learning rate is not settable. If you "
                    + "need the learning rate to be settable, you should instantiate the optimizer with a float "
                    + "`learning_rate` argument.");
        }
        setLearningRateInternal(lr);
    }

    private void setLearningRateInternal(LearningRate lr) {
        if (learningRateVariable != null) {
            state.removeIf(v -> v.variable() == learningRateVariable);
            learningRateVariable = null;
        }
        learningRate = lr;
        if (lr instanceof LearningRate.Constant c) {
            learningRateVariable = new Variable("learning_rate", name + "/learning_rate",
                    Nd4j.scalar(DataType.FLOAT, (float) c.value()));
            state.add(1, new OptimizerVariable(learningRateVariable, "learning_rate", null));
        }
    }

    // ---------------------------------------------------------------- state and config

    @Override
    public String name() {
        return name;
    }

    public OptimizerOptions options() {
        return options;
    }

    /** The model variables, in build order; empty before the build. */
    @Override
    public List<Variable> trainableVariables() {
        return trainableVariables == null ? List.of() : trainableVariables;
    }

    /** Keras's {@code optimizer.variables}, in Keras's (and its save/load) order, with roles. */
    @Override
    public List<OptimizerVariable> optimizerVariables() {
        return Collections.unmodifiableList(state);
    }

    @Override
    public void setWarningListener(WarningListener listener) {
        this.warnings = listener;
    }

    /** Keras's {@code get_config()}: the shared keys, then {@link #ownConfig()}. */
    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("learning_rate", learningRateConfig());
        c.put("weight_decay", options.weightDecay());
        c.put("clipnorm", options.clipnorm());
        c.put("global_clipnorm", options.globalClipnorm());
        c.put("clipvalue", options.clipvalue());
        c.put("use_ema", options.useEma());
        c.put("ema_momentum", options.emaMomentum());
        c.put("ema_overwrite_frequency", toLong(options.emaOverwriteFrequency()));
        c.put("loss_scale_factor", options.lossScaleFactor());
        c.put("gradient_accumulation_steps", toLong(options.gradientAccumulationSteps()));
        c.putAll(ownConfig());
        return c;
    }

    private Object learningRateConfig() {
        if (learningRate instanceof LearningRate.Scheduled s) {
            return s.schedule();
        }
        if (learningRate instanceof LearningRate.Supplied s) {
            return s.supplier();
        }
        return learningRateVariable.value().getDouble(0);
    }

    private static Long toLong(Integer i) {
        return i == null ? null : i.longValue();
    }

    /** The schedule, when the learning rate is one. */
    public LearningRateSchedule schedule() {
        return learningRate instanceof LearningRate.Scheduled s ? s.schedule() : null;
    }
}
