package org.sparkadadelta.spark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkadadelta.spark.keras.KerasFiles;
import org.sparkadadelta.spark.output.WeightsFile;

/**
 * The few lines a finished run ends with: how far it got, its final losses and metrics rounded for reading
 * (the exact values are in {@code metrics.json}), and the full paths of what it wrote.
 *
 * @param metrics     the run's metrics ({@code steps}, {@code train_seconds}, {@code final_train_loss},
 *                    {@code validation_loss}, {@code validation_<metric>}, {@code test_...})
 * @param metric      the model's metric name ({@code accuracy}, {@code root_mean_squared_error})
 * @param output      the output directory, fully qualified
 * @param plots       the plot files the run wrote (by name; none when there was nothing to plot)
 * @param checkpoints the checkpoint directory, fully qualified, or null
 */
record RunSummary(Map<String, Object> metrics, String metric, String output, List<String> plots,
        String checkpoints) {

    String text() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Finished %s steps in %s; final train loss %s", metrics.get("steps"),
                duration(number("train_seconds")), round(number("final_train_loss"))));
        for (String set : List.of("validation", "test")) {
            if (metrics.containsKey(set + "_loss")) {
                lines.add(String.format(Locale.ROOT, "  %-11s loss %s, %s %s", set, round(number(set + "_loss")),
                        metric, "accuracy".equals(metric) ? String.format(Locale.ROOT, "%.4f", number(set + "_" + metric))
                        : round(number(set + "_" + metric))));
            }
        }
        lines.add("Output      " + output);
        lines.add("  weights   " + output + "/" + WeightsFile.FILE_NAME);
        if (!plots.isEmpty()) {
            lines.add("  plots     " + String.join("  ", plots.stream().map(p -> output + "/" + p).toList()));
        }
        lines.add("  keras     " + output + "/" + KerasFiles.MODEL_FILE);
        if (checkpoints != null) {
            lines.add("Checkpoints " + checkpoints);
        }
        return String.join(System.lineSeparator(), lines);
    }

    private double number(String key) {
        return metrics.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Four significant digits: enough to compare runs by eye. */
    static String round(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : String.valueOf(value);
    }

    static String duration(double seconds) {
        if (!(seconds >= 120)) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d h %d min", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
    }
}
