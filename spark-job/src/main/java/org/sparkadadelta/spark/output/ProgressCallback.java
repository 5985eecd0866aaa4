package org.sparkadadelta.spark.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkadadelta.spark.callbacks.Callback;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.StepRecord;

/**
 * Shows training on a console (Keras's progress bar logger): one progress bar per epoch, then the epoch's
 * logs with Keras's names ({@code accuracy}, {@code val_loss}, {@code val_accuracy}).
 */
public final class ProgressCallback implements Callback {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;

    public ProgressCallback(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        bar = new ProgressBar(out, run.epochs(), (int) run.stepsPerEpoch(), interactive);
    }

    @Override
    public void onEpochBegin(TrainingRun run, int epoch) {
        bar.startEpoch(epoch);
    }

    @Override
    public void onTrainBatchEnd(TrainingRun run, StepRecord step) {
        bar.update(step.stepInEpoch(), step.loss());
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochRecord epoch) {
        bar.finishEpoch(summary(epoch));
    }

    /** The epoch's logs after the bar's running loss: the metric, then the validation results if any. */
    static String summary(EpochRecord epoch) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Double> log : epoch.logs().entrySet()) {
            if (!log.getKey().equals("loss") && !log.getKey().equals("learning_rate")) {
                parts.add(String.format(Locale.ROOT, "%s %.4f", log.getKey(), log.getValue()));
            }
        }
        return String.join("  ", parts);
    }
}
