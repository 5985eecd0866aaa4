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
import org.sparkadadelta.spark.train.EpochRecord;
import org.sparkadadelta.spark.train.StepRecord;

/**
 * The training history as two CSV files, read by {@code pandas.read_csv} or {@code csv} without options:
 * <ul>
 *   <li>{@code history_steps.csv}: {@code step,epoch,step_in_epoch,loss,learning_rate,examples,seconds}</li>
 *   <li>{@code history_epochs.csv}: {@code epoch,train_loss,validation_loss,validation_<metric>,seconds},
 *       {@code <metric>} being {@code accuracy} or {@code rmse}</li>
 * </ul>
 * Floats are Python's {@code repr} (the shortest decimal that parses back to the same double), so every
 * value reads back exactly; NaN (e.g. the validation columns without validation data) is written as
 * {@code nan} and infinities as {@code inf}/{@code -inf}, which Python's {@code float()} and pandas read.
 * Epochs and steps are 0-based, as in the records.
 */
public final class HistoryCsv {
    public static final String STEPS_FILE = "history_steps.csv";
    public static final String EPOCHS_FILE = "history_epochs.csv";
    static final String STEPS_HEADER = "step,epoch,step_in_epoch,loss,learning_rate,examples,seconds";
    private static final String METRIC_PREFIX = "validation_";
    /** The metric column's name when there are no epochs to take it from. */
    private static final String UNKNOWN_METRIC = "metric";

    private HistoryCsv() {
    }

    /** Writes the step table; flushes {@code out} but does not close it. */
    public static void writeSteps(List<StepRecord> steps, OutputStream out) throws IOException {
        write(out, STEPS_HEADER, steps, s -> String.join(",", Long.toString(s.step()),
                Integer.toString(s.epoch()), Integer.toString(s.stepInEpoch()), number(s.loss()),
                number(s.learningRate()), Long.toString(s.examples()), number(s.seconds())));
    }

    /** Writes the epoch table; flushes {@code out} but does not close it. */
    public static void writeEpochs(List<EpochRecord> epochs, OutputStream out) throws IOException {
        write(out, epochsHeader(metricName(epochs)), epochs, e -> String.join(",", Integer.toString(e.epoch()),
                number(e.trainLoss()), number(e.validationLoss()), number(e.validationMetric()),
                number(e.seconds())));
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

    static String epochsHeader(String metric) {
        return "epoch,train_loss,validation_loss," + METRIC_PREFIX + metric + ",seconds";
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
        List<String[]> rows = read(in, STEPS_HEADER, 7);
        List<StepRecord> steps = new ArrayList<>(rows.size());
        for (String[] c : rows) {
            steps.add(new StepRecord(Long.parseLong(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                    parseNumber(c[3]), parseNumber(c[4]), Long.parseLong(c[5]), parseNumber(c[6])));
        }
        return steps;
    }

    /** Reads an epoch table written by {@link #writeEpochs} (the stream is not closed). */
    public static List<EpochRecord> readEpochs(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        String[] columns = header == null ? new String[0] : header.split(",", -1);
        String metric = columns.length == 5 && columns[3].startsWith(METRIC_PREFIX)
                ? columns[3].substring(METRIC_PREFIX.length()) : "";
        List<String[]> rows = rows(reader, header, epochsHeader(metric), 5);
        List<EpochRecord> epochs = new ArrayList<>(rows.size());
        for (String[] c : rows) {
            epochs.add(new EpochRecord(Integer.parseInt(c[0]), parseNumber(c[1]), parseNumber(c[2]),
                    parseNumber(c[3]), metric, parseNumber(c[4])));
        }
        return epochs;
    }

    private static List<String[]> read(InputStream in, String expectedHeader, int width) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return rows(reader, reader.readLine(), expectedHeader, width);
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
