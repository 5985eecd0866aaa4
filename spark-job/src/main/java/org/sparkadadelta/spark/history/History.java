package org.sparkadadelta.spark.history;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Per-step and per-epoch records of one training run, in order. */
public final class History implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<StepRecord> steps = new ArrayList<>();
    private final List<EpochRecord> epochs = new ArrayList<>();

    public History() {
    }

    /** A history holding these records (a resumed run's history up to its checkpoint). */
    public History(List<StepRecord> steps, List<EpochRecord> epochs) {
        this.steps.addAll(steps);
        this.epochs.addAll(epochs);
    }

    /** An independent copy: records added to either afterwards do not show in the other. */
    public History copy() {
        return new History(steps, epochs);
    }

    public void add(StepRecord step) {
        steps.add(step);
    }

    public void add(EpochRecord epoch) {
        epochs.add(epoch);
    }

    public List<StepRecord> steps() {
        return Collections.unmodifiableList(steps);
    }

    public List<EpochRecord> epochs() {
        return Collections.unmodifiableList(epochs);
    }
}
