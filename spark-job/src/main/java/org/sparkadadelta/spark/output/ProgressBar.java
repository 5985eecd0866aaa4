package org.sparkadadelta.spark.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A console progress bar per epoch:
 * <pre>
 * Epoch 3/15 [=========&gt;          ] 230/469  loss 0.4123  31.2 steps/s  ETA 0:07
 * </pre>
 * On an interactive terminal the line is redrawn in place with {@code \r} (at most every 100 ms); otherwise
 * (CI logs, notebooks, files) a plain line is printed each time another tenth of the epoch is done, so an
 * epoch takes at most 10 lines including {@link #finishEpoch}'s. The loss shown is the mean of the epoch's
 * batch losses so far, the rate and ETA are measured from the start of the epoch.
 */
public final class ProgressBar {
    private static final int BAR_WIDTH = 20;
    private static final int TENTHS = 10;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final int epochs;
    private final int stepsPerEpoch;
    private final boolean interactive;
    private final LongSupplier nanoTime;

    private int epoch;
    private long epochStart;
    private int done;
    private double lossSum;
    private int lossCount;
    private int tenthsLogged;
    private boolean drawnThisEpoch;
    private long lastDraw;
    private int lastWidth;

    /**
     * @param out           where to print
     * @param epochs        total epochs of the run
     * @param stepsPerEpoch steps of a full epoch
     * @param interactive   redraw in place with {@code \r} (a terminal) rather than print lines
     */
    public ProgressBar(PrintStream out, int epochs, int stepsPerEpoch, boolean interactive) {
        this(out, epochs, stepsPerEpoch, interactive, System::nanoTime);
    }

    ProgressBar(PrintStream out, int epochs, int stepsPerEpoch, boolean interactive, LongSupplier nanoTime) {
        if (epochs < 1 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("epochs and stepsPerEpoch must be at least 1, got " + epochs
                    + " and " + stepsPerEpoch);
        }
        this.out = out;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
        startEpoch(0);
    }

    /**
     * Starts timing epoch {@code epoch} (0-based). Only needed for the first epoch of a resumed run or if
     * time passes between epochs: the bar starts at epoch 0 and {@link #finishEpoch} moves to the next.
     */
    public void startEpoch(int epoch) {
        this.epoch = epoch;
        epochStart = nanoTime.getAsLong();
        done = 0;
        lossSum = 0;
        lossCount = 0;
        tenthsLogged = 0;
        drawnThisEpoch = false;
    }

    /** Reports that step {@code stepInEpoch} (0-based) of the current epoch is done with batch loss {@code loss}. */
    public void update(int stepInEpoch, double loss) {
        done = Math.min(stepInEpoch + 1, stepsPerEpoch);
        if (Double.isFinite(loss)) {
            lossSum += loss;
            lossCount++;
        }
        long now = nanoTime.getAsLong();
        if (interactive) {
            if (!drawnThisEpoch || now - lastDraw >= REDRAW_NANOS || done == stepsPerEpoch) {
                redraw(line(now, true));
                drawnThisEpoch = true;
                lastDraw = now;
            }
        } else if (logDue()) {
            out.println(line(now, true));
        }
    }

    /** Prints the epoch's final line, e.g. with {@code "val_loss 0.3120  val_accuracy 0.9120"}, and moves on. */
    public void finishEpoch(String summary) {
        String line = line(nanoTime.getAsLong(), false) + (summary.isEmpty() ? "" : "  " + summary);
        if (interactive) {
            redraw(line);
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
        lastWidth = 0;
        startEpoch(epoch + 1);
    }

    private void redraw(String line) {
        // Blank out what is left of a longer previous line.
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        out.flush();
        lastWidth = line.length();
    }

    /**
     * Whether a new tenth of the epoch was reached. The last tenth is left to {@link #finishEpoch}, which
     * prints the complete line anyway.
     */
    private boolean logDue() {
        boolean reached = false;
        while (tenthsLogged < TENTHS - 1 && stepsAt(tenthsLogged + 1) <= done) {
            tenthsLogged++;
            reached = true;
        }
        return reached && done < stepsPerEpoch;
    }

    /** Steps that make {@code k} tenths of the epoch, rounded up. */
    private int stepsAt(int k) {
        return (int) -Math.floorDiv(-(long) k * stepsPerEpoch, TENTHS);
    }

    String line(long now, boolean withEta) {
        double seconds = (now - epochStart) / 1e9;
        double rate = seconds > 0 ? done / seconds : Double.NaN;
        StringBuilder sb = new StringBuilder();
        sb.append("Epoch ").append(epoch + 1).append('/').append(epochs).append(' ').append(bar())
                .append(' ').append(done).append('/').append(stepsPerEpoch);
        if (lossCount > 0) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", lossSum / lossCount));
        }
        if (rate > 0) {
            sb.append(String.format(Locale.ROOT, "  %.1f steps/s", rate));
        }
        if (!withEta) {
            sb.append("  ").append(duration(seconds));
        } else if (rate > 0) {
            sb.append("  ETA ").append(duration((stepsPerEpoch - done) / rate));
        } else {
            sb.append("  ETA ?");
        }
        return sb.toString();
    }

    private String bar() {
        int filled = (int) ((long) done * BAR_WIDTH / stepsPerEpoch);
        String head = filled < BAR_WIDTH ? ">" : "";
        return "[" + "=".repeat(filled) + head + " ".repeat(BAR_WIDTH - filled - head.length()) + "]";
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
