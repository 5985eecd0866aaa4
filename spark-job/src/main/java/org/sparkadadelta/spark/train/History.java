package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Per-step and per-epoch records of one training run, in order. */
public final class History implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<StepRecord> steps = new ArrayList<>();
    private final List<EpochRecord> epochs = new ArrayList<>();

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
