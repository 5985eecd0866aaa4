package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.train.EpochRecord;
import org.sparkadadelta.spark.train.History;
import org.sparkadadelta.spark.train.StepRecord;

class HistoryCsvTest {
    private interface Writer<T> {
        void write(List<T> rows, ByteArrayOutputStream out) throws IOException;
    }

    private static <T> String text(Writer<T> writer, List<T> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(rows, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void stepsRoundTripExactlyIncludingNanAndExtremes() throws IOException {
        List<StepRecord> steps = List.of(
                new StepRecord(0, 0, 0, 0.1 + 0.2, 1e-7, 128, 0.015625),
                new StepRecord(1, 0, 1, Double.NaN, 0.0010000000474974513, 128, Double.MIN_VALUE),
                new StepRecord(2, 1, 0, Double.POSITIVE_INFINITY, -0.0, 64, 1e300),
                new StepRecord(3, 1, 1, Math.PI, 123456789012345678.0, 7, Double.NEGATIVE_INFINITY));
        String text = text(HistoryCsv::writeSteps, steps);
        assertEquals(steps, HistoryCsv.readSteps(in(text)), text);
        assertEquals("""
                step,epoch,step_in_epoch,loss,learning_rate,examples,seconds
                0,0,0,0.30000000000000004,1e-07,128,0.015625
                1,0,1,nan,0.0010000000474974513,128,5e-324
                2,1,0,inf,-0.0,64,1e+300
                3,1,1,3.141592653589793,1.2345678901234568e+17,7,-inf
                """, text);
    }

    @Test
    void epochsRoundTripWithTheMetricInTheHeader() throws IOException {
        List<EpochRecord> epochs = List.of(
                new EpochRecord(0, 0.75, Double.NaN, Double.NaN, "rmse", 1.25),
                new EpochRecord(1, 0.5, 0.625, 0.3333333333333333, "rmse", 2.0));
        String text = text(HistoryCsv::writeEpochs, epochs);
        assertEquals("""
                epoch,train_loss,validation_loss,validation_rmse,seconds
                0,0.75,nan,nan,1.25
                1,0.5,0.625,0.3333333333333333,2.0
                """, text);
        assertEquals(epochs, HistoryCsv.readEpochs(in(text)));
    }

    @Test
    void syntheticHistoryRoundTrips() throws IOException {
        History h = SampleRuns.history(3, 17, true, "accuracy");
        assertEquals(h.steps(), HistoryCsv.readSteps(in(text(HistoryCsv::writeSteps, h.steps()))));
        assertEquals(h.epochs(), HistoryCsv.readEpochs(in(text(HistoryCsv::writeEpochs, h.epochs()))));
    }

    @Test
    void emptyTablesHaveOnlyAHeader() throws IOException {
        assertEquals(HistoryCsv.STEPS_HEADER + "\n", text(HistoryCsv::writeSteps, List.of()));
        String epochs = text(HistoryCsv::writeEpochs, List.<EpochRecord>of());
        assertEquals("epoch,train_loss,validation_loss,validation_metric,seconds\n", epochs);
        assertEquals(List.of(), HistoryCsv.readEpochs(in(epochs)));
    }

    @Test
    void refusesMixedMetricsAndMalformedInput() {
        List<EpochRecord> mixed = List.of(new EpochRecord(0, 1, 1, 1, "accuracy", 1),
                new EpochRecord(1, 1, 1, 1, "rmse", 1));
        assertThrows(IllegalArgumentException.class, () -> text(HistoryCsv::writeEpochs, mixed));
        assertThrows(IllegalArgumentException.class, () -> HistoryCsv.readSteps(in("step,loss\n0,1.0\n")));
        assertThrows(IllegalArgumentException.class,
                () -> HistoryCsv.readSteps(in(HistoryCsv.STEPS_HEADER + "\n0,0,0,1.0\n")));
    }
}
