package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.data.LabelSummary;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.model.Network;

/**
 * Rejects data a model cannot learn from or be evaluated on, before any step runs, naming what is wrong.
 * Public for the job, which checks its test set up front too, so a mismatch never costs a trained result.
 */
public final class ModelDataCheck {
    private ModelDataCheck() {
    }

    public static void requireCompatible(Network network, TrainingData data, String what) {
        if (data.numFeatures() != network.inputs()) {
            throw new IllegalArgumentException("The " + what + " (" + data.source() + ") has " + data.numFeatures()
                    + " features per row, but the model expects " + network.inputs());
        }
        int classes = network.classes();
        if (classes == 0) {
            return;
        }
        LabelSummary labels = data.labels();
        if (!labels.allIntegral()) {
            throw new IllegalArgumentException("The " + what + " (" + data.source() + ") has a non-integer label "
                    + "at row " + labels.firstBadRow() + "; a " + network.loss().kerasName() + " model needs class "
                    + "indices 0.." + (classes - 1));
        }
        if (labels.min() < 0 || labels.max() > classes - 1) {
            throw new IllegalArgumentException("The " + what + " (" + data.source() + ") has labels in ["
                    + (long) labels.min() + ", " + (long) labels.max() + "], but the model has " + classes
                    + " classes: labels must lie in [0, " + (classes - 1) + "]");
        }
    }
}
