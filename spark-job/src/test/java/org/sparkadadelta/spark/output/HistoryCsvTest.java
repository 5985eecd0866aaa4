package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;

class HistoryCsvTest {
    private interface Writer<T> {
        void write(T table, ByteArrayOutputStream out) throws IOException;
    }

    private static <T> String text(Writer<T> writer, T table) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(table, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void stepsRoundTripExactlyIncludingNanAndExtremes() throws IOException {
        History h = new History();
        List<StepRecord> steps = List.of(
                new StepRecord(0, 0, 0, 0.1 + 0.2, 0.75, 1e-7, 128, 128, 0.015625),
                new StepRecord(1, 0, 1, Double.NaN, Double.NaN, 0.0010000000474974513, 128, 96.5, Double.MIN_VALUE),
                new StepRecord(2, 1, 0, Double.POSITIVE_INFINITY, 1, -0.0, 64, 64, 1e300),
                new StepRecord(3, 1, 1, Math.PI, 0, 123456789012345678.0, 7, 7, Double.NEGATIVE_INFINITY));
        steps.forEach(h::add);
        h.add(new EpochRecord(0, 1, 0.5, 1, 0.5, 1, "accuracy", 1));
        String text = text(HistoryCsv::writeSteps, h);
        assertEquals(steps, HistoryCsv.readSteps(in(text)), text);
        assertEquals("""
                step,epoch,step_in_epoch,loss,accuracy,learning_rate,examples,weight,seconds
                0,0,0,0.30000000000000004,0.75,1e-07,128,128.0,0.015625
                1,0,1,nan,nan,0.0010000000474974513,128,96.5,5e-324
                2,1,0,inf,1.0,-0.0,64,64.0,1e+300
                3,1,1,3.141592653589793,0.0,1.2345678901234568e+17,7,7.0,-inf
                """, text);
    }

    @Test
    void epochsRoundTripWithKerasNamesAndTheMetricInTheHeader() throws IOException {
        List<EpochRecord> epochs = List.of(
                new EpochRecord(0, 0.75, 0.5, Double.NaN, Double.NaN, 1.0, "rmse", 1.25),
                new EpochRecord(1, 0.5, 0.25, 0.625, 0.3333333333333333, 0.5, "rmse", 2.0));
        String text = text(HistoryCsv::writeEpochs, epochs);
        assertEquals("""
                epoch,loss,rmse,val_loss,val_rmse,learning_rate,seconds
                0,0.75,0.5,nan,nan,1.0,1.25
                1,0.5,0.25,0.625,0.3333333333333333,0.5,2.0
                """, text);
        assertEquals(epochs, HistoryCsv.readEpochs(in(text)));
    }

    @Test
    void tablesOfTheEarlierLayoutReadWithNanForWhatTheyLack() throws IOException {
        assertEquals(List.of(new StepRecord(0, 0, 0, 0.5, Double.NaN, 1.0, 128, 128, 0.25)), HistoryCsv.readSteps(in("""
                step,epoch,step_in_epoch,loss,learning_rate,examples,seconds
                0,0,0,0.5,1.0,128,0.25
                """)));
        assertEquals(List.of(new EpochRecord(0, 0.75, Double.NaN, 0.625, 0.875, Double.NaN, "accuracy", 2.0)),
                HistoryCsv.readEpochs(in("""
                        epoch,train_loss,validation_loss,validation_accuracy,seconds
                        0,0.75,0.625,0.875,2.0
                        """)));
    }

    @Test
    void syntheticHistoryRoundTrips() throws IOException {
        History h = SampleRuns.history(3, 17, true, "accuracy");
        assertEquals(h.steps(), HistoryCsv.readSteps(in(text(HistoryCsv::writeSteps, h))));
        assertEquals(h.epochs(), HistoryCsv.readEpochs(in(text(HistoryCsv::writeEpochs, h.epochs()))));
    }

    @Test
    void emptyTablesHaveOnlyAHeader() throws IOException {
        String steps = text(HistoryCsv::writeSteps, new History());
        assertEquals("step,epoch,step_in_epoch,loss,metric,learning_rate,examples,weight,seconds\n", steps);
        assertEquals(List.of(), HistoryCsv.readSteps(in(steps)));
        String epochs = text(HistoryCsv::writeEpochs, List.<EpochRecord>of());
        assertEquals("epoch,loss,metric,val_loss,val_metric,learning_rate,seconds\n", epochs);
        assertEquals(List.of(), HistoryCsv.readEpochs(in(epochs)));
    }

    @Test
    void refusesMixedMetricsAndMalformedInput() {
        List<EpochRecord> mixed = List.of(new EpochRecord(0, 1, 1, 1, 1, 1, "accuracy", 1),
                new EpochRecord(1, 1, 1, 1, 1, 1, "rmse", 1));
        assertThrows(IllegalArgumentException.class, () -> text(HistoryCsv::writeEpochs, mixed));
        assertThrows(IllegalArgumentException.class, () -> HistoryCsv.readSteps(in("step,loss\n0,1.0\n")));
        assertThrows(IllegalArgumentException.class,
                () -> HistoryCsv.readSteps(in(HistoryCsv.stepsHeader("accuracy") + "\n0,0,0,1.0\n")));
    }
}
