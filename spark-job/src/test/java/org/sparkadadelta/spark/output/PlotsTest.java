package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

class PlotsTest {
    private static final int ORANGE = 0xff7f0e;
    private static final int GREEN = 0x2ca02c;

    @TempDir
    Path parent;

    private Path writePlots(History history, List<String> expected) throws IOException {
        Path target = parent.resolve("run");
        try (OutputDirectory out = OutputDirectory.create(target.toString(), false, new Configuration())) {
            assertEquals(expected, Plots.write(history, "mnist-mlp", out));
            out.commit();
        }
        return target;
    }

    private static BufferedImage image(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "not a readable image: " + file);
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
        return image;
    }

    /** Pixels within a few levels of {@code rgb} in each channel (lines are antialiased). */
    private static int pixelsNear(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                boolean near = true;
                for (int shift = 0; shift <= 16; shift += 8) {
                    near &= Math.abs((p >> shift & 0xff) - (rgb >> shift & 0xff)) <= 12;
                }
                count += near ? 1 : 0;
            }
        }
        return count;
    }

    @Test
    void writesBothPlotsAsPngsOfTheRightSize() throws IOException {
        Path dir = writePlots(SampleRuns.history(5, 40, true, "accuracy"), List.of("loss.png", "metric.png"));
        assertEquals(Set.of("_SUCCESS", "loss.png", "metric.png"), OutputDirectoryTest.tree(dir));
        assertTrue(pixelsNear(image(dir.resolve("loss.png")), ORANGE) > 100, "validation loss drawn");
        assertTrue(pixelsNear(image(dir.resolve("metric.png")), GREEN) > 100, "metric drawn");
    }

    @Test
    void withoutValidationDataTheMetricPlotHasTheTrainingMetricOnly() throws IOException {
        Path dir = writePlots(SampleRuns.history(3, 40, false, "accuracy"), List.of("loss.png", "metric.png"));
        assertEquals(Set.of("_SUCCESS", "loss.png", "metric.png"), OutputDirectoryTest.tree(dir));
        assertEquals(0, pixelsNear(image(dir.resolve("loss.png")), ORANGE), "no validation loss drawn");
        assertEquals(0, pixelsNear(image(dir.resolve("metric.png")), GREEN), "no validation metric drawn");
        XYPlot plot = Plots.metricChart(SampleRuns.history(3, 40, false, "accuracy"), "r").orElseThrow().getXYPlot();
        assertEquals(1, plot.getDataset().getSeriesCount());
        assertEquals("training accuracy", plot.getDataset().getSeriesKey(0));
    }

    @Test
    void skipsTheMetricPlotWithoutAnyFiniteMetric() throws IOException {
        History h = new History();
        SampleRuns.history(3, 4, false, "accuracy").epochs().forEach(e -> h.add(new EpochRecord(e.epoch(), e.loss(),
                Double.NaN, Double.NaN, Double.NaN, 1, "accuracy", 1)));
        Path dir = writePlots(h, List.of("loss.png"));
        assertEquals(Set.of("_SUCCESS", "loss.png"), OutputDirectoryTest.tree(dir));
    }

    @Test
    void writesNothingForAnEmptyHistory() throws IOException {
        Path dir = writePlots(new History(), List.of());
        assertEquals(Set.of("_SUCCESS"), OutputDirectoryTest.tree(dir));
    }

    @Test
    void placesStepsAndEpochsOnAnAxisInEpochs() {
        History h = SampleRuns.history(3, 4, true, "accuracy");
        XYPlot plot = Plots.lossChart(h, "r").orElseThrow().getXYPlot();
        XYDataset steps = plot.getDataset(0);
        assertEquals(12, steps.getItemCount(0));
        assertEquals(0.25, steps.getXValue(0, 0));
        assertEquals(1.0, steps.getXValue(0, 3));
        assertEquals(3.0, steps.getXValue(0, 11));
        XYDataset epochs = plot.getDataset(1);
        assertEquals(2, epochs.getSeriesCount());
        assertEquals(List.of(1.0, 2.0, 3.0), List.of(epochs.getXValue(1, 0), epochs.getXValue(1, 1),
                epochs.getXValue(1, 2)));
        assertEquals("epoch", plot.getDomainAxis().getLabel());
    }

    @Test
    void leavesOutNonFiniteLosses() {
        History h = new History();
        h.add(new StepRecord(0, 0, 0, Double.NaN, Double.NaN, 1, 1, 1, 1));
        h.add(new StepRecord(1, 0, 1, 2.0, Double.NaN, 1, 1, 1, 1));
        h.add(new StepRecord(2, 0, 2, Double.POSITIVE_INFINITY, Double.NaN, 1, 1, 1, 1));
        XYPlot plot = Plots.lossChart(h, "r").orElseThrow().getXYPlot();
        assertEquals(1, plot.getDataset(0).getItemCount(0));
        assertEquals(0, plot.getDataset(1).getSeriesCount());
        History nothing = new History();
        nothing.add(new StepRecord(0, 0, 0, Double.NaN, Double.NaN, 1, 1, 1, 1));
        assertTrue(Plots.lossChart(nothing, "r").isEmpty());
    }

    @Test
    void titlesAndLabelsNameTheRunAndTheMetric() {
        JFreeChart rmse = Plots.metricChart(SampleRuns.history(2, 3, true, "root_mean_squared_error"), "house-prices")
                .orElseThrow();
        assertEquals("house-prices \u2014 RMSE", rmse.getTitle().getText());
        assertEquals("RMSE", rmse.getXYPlot().getRangeAxis().getLabel());
        assertEquals(List.of("training RMSE", "validation RMSE"), List.of(rmse.getXYPlot().getDataset().getSeriesKey(0),
                rmse.getXYPlot().getDataset().getSeriesKey(1)));
        // Histories written before Keras's name was used recorded "rmse".
        JFreeChart legacy = Plots.metricChart(SampleRuns.history(2, 3, true, "rmse"), "old").orElseThrow();
        assertEquals("RMSE", legacy.getXYPlot().getRangeAxis().getLabel());
        JFreeChart accuracy = Plots.metricChart(SampleRuns.history(2, 3, true, "accuracy"), "mnist").orElseThrow();
        assertEquals("accuracy", accuracy.getXYPlot().getRangeAxis().getLabel());
        JFreeChart loss = Plots.lossChart(SampleRuns.history(2, 3, true, "accuracy"), "mnist").orElseThrow();
        assertEquals("mnist \u2014 loss", loss.getTitle().getText());
        assertTrue(loss.getXYPlot().getRangeAxis().getLabel().startsWith("loss"));
    }
}
