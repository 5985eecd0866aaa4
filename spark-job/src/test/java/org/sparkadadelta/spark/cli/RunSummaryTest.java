package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end-of-run summary: rounded numbers a person reads, and full paths to what was written. */
class RunSummaryTest {
    @Test
    void roundsTheNumbersAndListsTheOutputsByFullPath() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", 7035L);
        m.put("train_seconds", 280.43219);
        m.put("final_train_loss", 0.2503912345);
        m.put("validation_loss", 0.30712345678);
        m.put("validation_accuracy", 0.891299999);
        m.put("test_loss", 0.30712345678);
        m.put("test_accuracy", 0.891299999);
        m.put("failed_task_attempts", 0);
        String text = new RunSummary(m, "accuracy", "/work/runs/fm", List.of("loss.png", "metric.png"), "/work/ckpt")
                .text();
        assertEquals(String.join(System.lineSeparator(),
                "Finished 7035 steps in 4 min 40 s; final train loss 0.2504",
                "  validation  loss 0.3071, accuracy 0.8913",
                "  test        loss 0.3071, accuracy 0.8913",
                "Output      /work/runs/fm",
                "  weights   /work/runs/fm/weights.arrow",
                "  plots     /work/runs/fm/loss.png  /work/runs/fm/metric.png",
                "  keras     /work/runs/fm/model.keras",
                "Checkpoints /work/ckpt"), text);
    }

    @Test
    void withoutValidationPlotsOrCheckpointsOnlyWhatThereIs() {
        Map<String, Object> m = Map.of("steps", 3L, "train_seconds", 1.25, "final_train_loss", Double.NaN,
                "test_loss", 12345.678, "test_rmse", 0.000123456);
        assertEquals(String.join(System.lineSeparator(),
                "Finished 3 steps in 1.3 s; final train loss NaN",
                "  test        loss 1.235e+04, rmse 0.0001235",
                "Output      hdfs://nn/runs/x",
                "  weights   hdfs://nn/runs/x/weights.arrow",
                "  keras     hdfs://nn/runs/x/model.keras"),
                new RunSummary(m, "rmse", "hdfs://nn/runs/x", List.of(), null).text());
    }
}
