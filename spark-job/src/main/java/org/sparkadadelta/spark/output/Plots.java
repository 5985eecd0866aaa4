package org.sparkadadelta.spark.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.Loss;

/**
 * PNG plots of a run (900x500), x axis in epochs completed:
 * <ul>
 *   <li>{@code loss.png}: each step's batch loss (light line, at {@code epoch + (step_in_epoch + 1) /
 *       steps_in_epoch}) with each epoch's training and validation loss (markers, at {@code epoch + 1});</li>
 *   <li>{@code metric.png}: the training and validation metric (accuracy or RMSE) per epoch.</li>
 * </ul>
 * A plot with nothing to draw (no finite values, e.g. no validation data) is not written. The loss axis is
 * logarithmic when the losses span more than two decades.
 */
public final class Plots {
    public static final String LOSS_FILE = "loss.png";
    public static final String METRIC_FILE = "metric.png";
    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;

    private static final Color STEP_COLOR = new Color(31, 119, 180, 70);
    private static final Color TRAIN_COLOR = new Color(31, 119, 180);
    private static final Color VALIDATION_COLOR = new Color(255, 127, 14);
    private static final Color METRIC_COLOR = new Color(44, 160, 44);
    private static final double LOG_AXIS_RATIO = 100;

    static {
        // Charts are drawn off screen; without this, AWT would look for a display on a cluster node.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    /** Writes {@code loss.png} and {@code metric.png} where they have data; returns the names written. */
    public static List<String> write(History history, String runName, OutputDirectory dir) throws IOException {
        List<String> written = new ArrayList<>();
        if (writeIfPresent(lossChart(history, runName), dir, LOSS_FILE)) {
            written.add(LOSS_FILE);
        }
        if (writeIfPresent(metricChart(history, runName), dir, METRIC_FILE)) {
            written.add(METRIC_FILE);
        }
        return written;
    }

    private static boolean writeIfPresent(Optional<JFreeChart> chart, OutputDirectory dir, String name)
            throws IOException {
        if (chart.isEmpty()) {
            return false;
        }
        dir.write(name, out -> writePng(chart.get(), out));
        return true;
    }

    /** Writes {@code chart} as a {@value #WIDTH}x{@value #HEIGHT} PNG; does not close {@code out}. */
    public static void writePng(JFreeChart chart, OutputStream out) throws IOException {
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        out.flush();
    }

    /** Batch and epoch losses, or empty if there is no finite loss. */
    public static Optional<JFreeChart> lossChart(History history, String runName) {
        XYSeries steps = new XYSeries("training loss (batch)");
        Map<Integer, Integer> stepsInEpoch = stepsInEpoch(history.steps());
        for (StepRecord s : history.steps()) {
            addFinite(steps, s.epoch() + (s.stepInEpoch() + 1.0) / stepsInEpoch.get(s.epoch()), s.loss());
        }
        XYSeries train = new XYSeries("training loss (epoch)");
        XYSeries validation = new XYSeries("validation loss");
        for (EpochRecord e : history.epochs()) {
            addFinite(train, e.epoch() + 1, e.loss());
            addFinite(validation, e.epoch() + 1, e.validationLoss());
        }
        XYSeriesCollection epochs = nonEmpty(train, validation);
        if (steps.isEmpty() && epochs.getSeriesCount() == 0) {
            return Optional.empty();
        }
        XYPlot plot = new XYPlot(new XYSeriesCollection(steps), epochAxis(history), lossAxis(steps, epochs),
                lineRenderer(false, STEP_COLOR));
        plot.setDataset(1, epochs);
        plot.setRenderer(1, lineRenderer(true, train.isEmpty() ? VALIDATION_COLOR : TRAIN_COLOR, VALIDATION_COLOR));
        // Steps first, so the epoch markers are drawn on top of them.
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        return Optional.of(chart(runName + " \u2014 loss", plot));
    }

    /** The training and validation metric per epoch, or empty if neither has a finite value. */
    public static Optional<JFreeChart> metricChart(History history, String runName) {
        List<EpochRecord> epochs = history.epochs();
        String metric = epochs.isEmpty() ? "metric" : displayName(epochs.get(0).metricName());
        XYSeries train = new XYSeries("training " + metric);
        XYSeries validation = new XYSeries("validation " + metric);
        for (EpochRecord e : epochs) {
            addFinite(train, e.epoch() + 1, e.metric());
            addFinite(validation, e.epoch() + 1, e.validationMetric());
        }
        XYSeriesCollection values = nonEmpty(train, validation);
        if (values.getSeriesCount() == 0) {
            return Optional.empty();
        }
        double extent = 0;
        for (XYSeries series : List.of(train, validation)) {
            if (!series.isEmpty()) {
                extent = Math.max(extent, Math.max(Math.abs(series.getMinY()), Math.abs(series.getMaxY())));
            }
        }
        XYPlot plot = new XYPlot(values, epochAxis(history), linearAxis(metric, extent),
                lineRenderer(true, train.isEmpty() ? METRIC_COLOR : TRAIN_COLOR, METRIC_COLOR));
        return Optional.of(chart(runName + " \u2014 " + metric, plot));
    }

    static String displayName(String metric) {
        return Loss.isRootOfMean(metric) ? "RMSE" : metric;
    }

    /** Steps per epoch as recorded (the last epoch may be shorter if the data does not divide evenly). */
    private static Map<Integer, Integer> stepsInEpoch(List<StepRecord> steps) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (StepRecord s : steps) {
            counts.merge(s.epoch(), s.stepInEpoch() + 1, Math::max);
        }
        return counts;
    }

    private static void addFinite(XYSeries series, double x, double y) {
        if (Double.isFinite(y)) {
            series.add(x, y);
        }
    }

    private static XYSeriesCollection nonEmpty(XYSeries... series) {
        XYSeriesCollection collection = new XYSeriesCollection();
        for (XYSeries s : series) {
            if (!s.isEmpty()) {
                collection.addSeries(s);
            }
        }
        return collection;
    }

    private static NumberAxis epochAxis(History history) {
        NumberAxis x = new NumberAxis("epoch");
        x.setAutoRangeIncludesZero(true);
        if (history.epochs().size() >= 2 || history.steps().stream().anyMatch(s -> s.epoch() >= 1)) {
            x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        return x;
    }

    private static ValueAxis lossAxis(XYSeries steps, XYSeriesCollection epochs) {
        double min = Math.min(steps.isEmpty() ? Double.POSITIVE_INFINITY : steps.getMinY(),
                epochs.getSeriesCount() == 0 ? Double.POSITIVE_INFINITY : epochs.getRangeLowerBound(false));
        double max = Math.max(steps.isEmpty() ? Double.NEGATIVE_INFINITY : steps.getMaxY(),
                epochs.getSeriesCount() == 0 ? Double.NEGATIVE_INFINITY : epochs.getRangeUpperBound(false));
        if (min > 0 && max / min > LOG_AXIS_RATIO) {
            LogAxis log = new LogAxis("loss (log scale)");
            log.setBase(10);
            log.setSmallestValue(min);
            // One label per decade: the default fifth-of-a-decade ticks read 2.5119, 1.5849, ...
            log.setTickUnit(new NumberTickUnit(1));
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            log.setNumberFormatOverride(new DecimalFormat("0.##########"));
            return log;
        }
        return linearAxis("loss", Math.max(Math.abs(min), Math.abs(max)));
    }

    /** A value axis that stays readable when all values are equal (e.g. a single epoch). */
    private static NumberAxis linearAxis(String label, double maxAbs) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        axis.setAutoRangeMinimumSize(maxAbs > 0 ? maxAbs * 0.1 : 1);
        return axis;
    }

    private static XYLineAndShapeRenderer lineRenderer(boolean markers, Color... colors) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
            r.setSeriesStroke(i, new BasicStroke(markers ? 2f : 1f));
        }
        return r;
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        // Space between legend entries, which otherwise run into each other.
        chart.getLegend().setItemLabelPadding(new RectangleInsets(2, 2, 2, 16));
        return chart;
    }
}
