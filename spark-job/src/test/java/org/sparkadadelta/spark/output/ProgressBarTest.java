package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    /** A bar whose clock advances {@code millisPerStep} on each update. */
    private ProgressBar bar(int epochs, int steps, boolean interactive) {
        return new ProgressBar(out, epochs, steps, interactive, () -> now);
    }

    private void runEpoch(ProgressBar bar, int steps, long millisPerStep, String summary) {
        for (int s = 0; s < steps; s++) {
            now += millisPerStep * 1_000_000L;
            bar.update(s, 0.5);
        }
        bar.finishEpoch(summary);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void nonInteractiveOutputHasAtMostTenLinesPerEpochWithCountsAndEta() {
        ProgressBar bar = bar(2, 469, false);
        runEpoch(bar, 469, 32, "val_loss 0.3120  val_accuracy 0.9120");
        runEpoch(bar, 469, 32, "val_loss 0.3000  val_accuracy 0.9200");
        List<String> lines = lines();
        assertEquals(20, lines.size(), String.join("\n", lines));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
        assertEquals("Epoch 1/2 [==>                 ] 47/469  loss 0.5000  31.3 steps/s  ETA 0:14", lines.get(0));
        assertEquals("Epoch 1/2 [==================> ] 423/469  loss 0.5000  31.3 steps/s  ETA 0:01", lines.get(8));
        assertEquals("Epoch 1/2 [====================] 469/469  loss 0.5000  31.3 steps/s  0:15"
                + "  val_loss 0.3120  val_accuracy 0.9120", lines.get(9));
        assertTrue(lines.get(10).startsWith("Epoch 2/2 ["), lines.get(10));
        assertTrue(lines.get(19).endsWith("val_accuracy 0.9200"), lines.get(19));
    }

    @Test
    void shortEpochsPrintFewerLines() {
        ProgressBar bar = bar(1, 3, false);
        runEpoch(bar, 3, 1000, "");
        assertEquals(List.of("Epoch 1/1 [======>             ] 1/3  loss 0.5000  1.0 steps/s  ETA 0:02",
                "Epoch 1/1 [=============>      ] 2/3  loss 0.5000  1.0 steps/s  ETA 0:01",
                "Epoch 1/1 [====================] 3/3  loss 0.5000  1.0 steps/s  0:03"), lines());
    }

    @Test
    void interactiveOutputRedrawsInPlaceAtMostEveryTenthOfASecond() {
        ProgressBar bar = bar(1, 469, true);
        runEpoch(bar, 469, 1, "val_loss 0.3120");
        String text = bytes.toString(StandardCharsets.UTF_8);
        long redraws = text.chars().filter(c -> c == '\r').count();
        // 0.469 s of steps: the first step, every 100 ms, the last step and the final line.
        assertTrue(redraws >= 3 && redraws <= 8, redraws + " redraws: " + text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), text);
        assertTrue(text.endsWith("469/469  loss 0.5000  1000.0 steps/s  0:00  val_loss 0.3120"
                + System.lineSeparator()), text);
    }

    @Test
    void interactiveRedrawBlanksOutALongerPreviousLine() {
        ProgressBar bar = bar(1, 10, true);
        now += 100_000_000L;
        bar.update(0, 0.25);
        String first = bytes.toString(StandardCharsets.UTF_8);
        now += 10_000_000_000L;
        bar.update(1, Double.NaN);
        String second = bytes.toString(StandardCharsets.UTF_8).substring(first.length());
        assertEquals("\rEpoch 1/1 [==>                 ] 1/10  loss 0.2500  10.0 steps/s  ETA 0:01", first);
        assertEquals("\rEpoch 1/1 [====>               ] 2/10  loss 0.2500  0.2 steps/s  ETA 0:40 ", second);
    }

    @Test
    void formatsDurations() {
        assertEquals("0:07", ProgressBar.duration(7.4));
        assertEquals("2:05", ProgressBar.duration(125));
        assertEquals("1:02:03", ProgressBar.duration(3723));
    }
}
