package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

/** Histories compared as runs: wall-clock times differ from run to run, everything else must not. */
public final class Histories {
    private Histories() {
    }

    /** The same records with every {@code seconds} zero. */
    public static History withoutSeconds(History history) {
        History h = new History();
        history.steps().forEach(s -> h.add(new StepRecord(s.step(), s.epoch(), s.stepInEpoch(), s.loss(), s.metric(),
                s.learningRate(), s.examples(), s.weight(), 0)));
        history.epochs().forEach(e -> h.add(new EpochRecord(e.epoch(), e.loss(), e.metric(), e.validationLoss(),
                e.validationMetric(), e.learningRate(), e.metricName(), 0)));
        return h;
    }
}
