package org.sparkadadelta.spark.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sparkadadelta.optim.python.PythonRepr;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

/**
 * The training history as two CSV files, read by {@code pandas.read_csv} or {@code csv} without options,
 * with Keras's names for what Keras's {@code History} records:
 * <ul>
 *   <li>{@code history_steps.csv}:
 *       {@code step,epoch,step_in_epoch,loss,<metric>,learning_rate,examples,weight,seconds}</li>
 *   <li>{@code history_epochs.csv}: {@code epoch,loss,<metric>,val_loss,val_<metric>,learning_rate,seconds},
 *       {@code <metric>} being {@code accuracy} or {@code root_mean_squared_error}</li>
 * </ul>
 * Floats are Python's {@code repr} (the shortest decimal that parses back to the same double), so every
 * value reads back exactly; NaN (e.g. the validation columns without validation data) is written as
 * {@code nan} and infinities as {@code inf}/{@code -inf}, which Python's {@code float()} and pandas read.
 * Epochs and steps are 0-based, as in the records. Tables in the layout written before the training metric
 * was recorded ({@code train_loss,validation_loss,...}) still read, with NaN for what they lack.
 */
public final class HistoryCsv {
    public static final String STEPS_FILE = "history_steps.csv";
    public static final String EPOCHS_FILE = "history_epochs.csv";
    static final String LEGACY_STEPS_HEADER = "step,epoch,step_in_epoch,loss,learning_rate,examples,seconds";
    private static final String LEGACY_METRIC_PREFIX = "validation_";
    /** The metric column's name when there are no epochs to take it from. */
    private static final String UNKNOWN_METRIC = "metric";

    private HistoryCsv() {
    }

    /** Writes the step table of {@code history}; flushes {@code out} but does not close it. */
    public static void writeSteps(History history, OutputStream out) throws IOException {
        write(out, stepsHeader(metricName(history.epochs())), history.steps(), s -> String.join(",",
                Long.toString(s.step()), Integer.toString(s.epoch()), Integer.toString(s.stepInEpoch()),
                number(s.loss()), number(s.metric()), number(s.learningRate()), Long.toString(s.examples()),
                number(s.weight()), number(s.seconds())));
    }

    /** Writes the epoch table; flushes {@code out} but does not close it. */
    public static void writeEpochs(List<EpochRecord> epochs, OutputStream out) throws IOException {
        write(out, epochsHeader(metricName(epochs)), epochs, e -> String.join(",", Integer.toString(e.epoch()),
                number(e.loss()), number(e.metric()), number(e.validationLoss()), number(e.validationMetric()),
                number(e.learningRate()), number(e.seconds())));
    }

    private static <T> void write(OutputStream out, String header, List<T> rows, Function<T, String> line)
            throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(header);
        w.write('\n');
        for (T row : rows) {
            w.write(line.apply(row));
            w.write('\n');
        }
        w.flush();
    }

    static String stepsHeader(String metric) {
        return "step,epoch,step_in_epoch,loss," + metric + ",learning_rate,examples,weight,seconds";
    }

    static String epochsHeader(String metric) {
        return "epoch,loss," + metric + ",val_loss,val_" + metric + ",learning_rate,seconds";
    }

    static String legacyEpochsHeader(String metric) {
        return "epoch,train_loss,validation_loss," + LEGACY_METRIC_PREFIX + metric + ",seconds";
    }

    private static String metricName(List<EpochRecord> epochs) {
        List<String> names = epochs.stream().map(EpochRecord::metricName).distinct().toList();
        if (names.size() > 1) {
            throw new IllegalArgumentException("The epochs mix metrics " + names);
        }
        return names.isEmpty() ? UNKNOWN_METRIC : names.get(0);
    }

    static String number(double d) {
        return PythonRepr.floatRepr(d);
    }

    static double parseNumber(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Reads a step table written by {@link #writeSteps} (the stream is not closed). */
    public static List<StepRecord> readSteps(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        String[] columns = header == null ? new String[0] : header.split(",", -1);
        List<StepRecord> steps = new ArrayList<>();
        if (LEGACY_STEPS_HEADER.equals(header)) {
            for (String[] c : rows(reader, header, LEGACY_STEPS_HEADER, 7)) {
                steps.add(new StepRecord(Long.parseLong(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                        parseNumber(c[3]), Double.NaN, parseNumber(c[4]), Long.parseLong(c[5]), Long.parseLong(c[5]),
                        parseNumber(c[6])));
            }
            return steps;
        }
        String metric = columns.length == 9 ? columns[4] : "";
        for (String[] c : rows(reader, header, stepsHeader(metric), 9)) {
            steps.add(new StepRecord(Long.parseLong(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                    parseNumber(c[3]), parseNumber(c[4]), parseNumber(c[5]), Long.parseLong(c[6]), parseNumber(c[7]),
                    parseNumber(c[8])));
        }
        return steps;
    }

    /** Reads an epoch table written by {@link #writeEpochs} (the stream is not closed). */
    public static List<EpochRecord> readEpochs(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        String[] columns = header == null ? new String[0] : header.split(",", -1);
        List<EpochRecord> epochs = new ArrayList<>();
        if (columns.length == 5 && columns[3].startsWith(LEGACY_METRIC_PREFIX)) {
            String metric = columns[3].substring(LEGACY_METRIC_PREFIX.length());
            for (String[] c : rows(reader, header, legacyEpochsHeader(metric), 5)) {
                epochs.add(new EpochRecord(Integer.parseInt(c[0]), parseNumber(c[1]), Double.NaN, parseNumber(c[2]),
                        parseNumber(c[3]), Double.NaN, metric, parseNumber(c[4])));
            }
            return epochs;
        }
        String metric = columns.length == 7 ? columns[2] : "";
        for (String[] c : rows(reader, header, epochsHeader(metric), 7)) {
            epochs.add(new EpochRecord(Integer.parseInt(c[0]), parseNumber(c[1]), parseNumber(c[2]),
                    parseNumber(c[3]), parseNumber(c[4]), parseNumber(c[5]), metric, parseNumber(c[6])));
        }
        return epochs;
    }

    private static List<String[]> rows(BufferedReader reader, String header, String expectedHeader, int width)
            throws IOException {
        if (!expectedHeader.equals(header)) {
            throw new IllegalArgumentException("Expected the CSV header '" + expectedHeader + "', found '"
                    + header + "'");
        }
        List<String[]> rows = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String[] cells = line.split(",", -1);
            if (cells.length != width) {
                throw new IllegalArgumentException("Expected " + width + " columns in CSV line " + (rows.size() + 2)
                        + ", found " + cells.length + ": " + line);
            }
            rows.add(cells);
        }
        return rows;
    }
}
