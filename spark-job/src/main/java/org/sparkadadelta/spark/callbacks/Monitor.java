package org.sparkadadelta.spark.callbacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The monitored quantity of {@link EarlyStopping} and {@link ReduceLROnPlateau}, as Keras's
 * {@code MonitorCallback} judges it: {@code mode} {@code min}, {@code max} or {@code auto} (from the name:
 * a loss or RMSE decreases, accuracy increases), and an improvement is a change beyond {@code min_delta}.
 */
final class Monitor {
    private final String name;
    private final String mode;
    private final double minDelta;
    private Boolean increasing; // resolved at train begin, when the model's metric is known

    Monitor(String name, String mode, double minDelta) {
        if (!List.of("auto", "min", "max").contains(mode)) {
            throw new IllegalArgumentException("mode must be 'auto', 'min' or 'max'; got '" + mode + "'");
        }
        this.name = name;
        this.mode = mode;
        this.minDelta = Math.abs(minDelta);
    }

    String name() {
        return name;
    }

    /**
     * Checks that the run logs the quantity and fixes the direction; {@code owner} names the callback in
     * messages. A quantity the run never logs is an error here (Keras would warn at every epoch).
     */
    void resolve(TrainingRun run, String owner) {
        String metric = run.network().loss().metric();
        List<String> logged = new ArrayList<>(List.of("loss", metric, "learning_rate"));
        if (run.hasValidation()) {
            logged.addAll(List.of("val_loss", "val_" + metric));
        }
        if (!logged.contains(name)) {
            throw new IllegalArgumentException(owner + " monitors '" + name + "', which this run does not log; "
                    + "it logs " + logged);
        }
        if (mode.equals("auto")) {
            String base = name.startsWith("val_") ? name.substring(4) : name;
            if (base.equals("learning_rate")) {
                throw new IllegalArgumentException(owner + " callback received monitor=" + name + ", but cannot "
                        + "tell whether it should be maximized or minimized: pass mode='max' or mode='min'");
            }
            increasing = base.equals("accuracy");
        } else {
            increasing = mode.equals("max");
        }
    }

    /** The monitored value in {@code logs}, or null when absent. */
    Double value(Map<String, Double> logs) {
        return logs.get(name);
    }

    /** Keras's {@code _is_improvement}: anything improves on nothing (null). */
    boolean improves(double value, Double reference) {
        if (reference == null) {
            return true;
        }
        return increasing ? value - minDelta > reference : value + minDelta < reference;
    }
}
