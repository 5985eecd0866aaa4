package org.sparkadadelta.spark.train;

import java.io.PrintStream;
import java.util.Locale;
import org.sparkadadelta.spark.output.ProgressBar;

/** Shows training on a console: one progress bar per epoch, then the epoch's validation results. */
public final class ProgressListener implements TrainingListener {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    public ProgressListener(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onStart(int epochs, long stepsPerEpoch) {
        bar = new ProgressBar(out, epochs, (int) stepsPerEpoch, interactive);
    }

    @Override
    public void onEpochStart(int epoch) {
        bar.startEpoch(epoch);
    }

    @Override
    public void onStep(StepRecord step) {
        bar.update(step.stepInEpoch(), step.loss());
    }

    @Override
    public void onEpoch(EpochRecord epoch) {
        String summary = Double.isNaN(epoch.validationLoss()) ? ""
                : String.format(Locale.ROOT, "val_loss %.4f  val_%s %.4f", epoch.validationLoss(),
                        epoch.metricName(), epoch.validationMetric());
        bar.finishEpoch(summary);
    }
}
