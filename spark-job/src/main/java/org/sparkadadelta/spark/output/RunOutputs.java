package org.sparkadadelta.spark.output;

import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import org.sparkadadelta.spark.files.FileChecksums;
import org.sparkadadelta.spark.keras.KerasFiles;

/**
 * Writes a finished run into its {@link OutputDirectory} and commits it:
 * {@code weights.arrow}, {@code history_steps.csv}, {@code history_epochs.csv}, {@code metrics.json},
 * {@code loss.png} and {@code metric.png} (where there is data to plot), Keras's {@code model.keras} and
 * {@code model.weights.h5} (for a result that carries its {@link RunResult#keras()} model), then {@code manifest.json} with
 * the checksums of all of them, then {@code _SUCCESS}.
 *
 * <pre>{@code
 * try (OutputDirectory out = OutputDirectory.create(uri, overwrite, hadoopConf)) {  // before training
 *     RunResult result = train(...);
 *     RunOutputs.write(out, result);
 * }   // a failed run leaves no output
 * }</pre>
 */
public final class RunOutputs {
    private RunOutputs() {
    }

    /** Writes every output file of {@code run} and commits; on failure, aborts {@code dir} and rethrows. */
    public static void write(OutputDirectory dir, RunResult run) throws IOException {
        write(dir, run, Instant.now());
    }

    static void write(OutputDirectory dir, RunResult run, Instant created) throws IOException {
        try {
            writeFiles(dir, run, created);
            dir.commit();
        } catch (IOException | RuntimeException | Error e) {
            try {
                dir.abort();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void writeFiles(OutputDirectory dir, RunResult run, Instant created) throws IOException {
        dir.write(WeightsFile.FILE_NAME, out -> WeightsFile.write(out, run.layout(), run.weights()));
        dir.write(HistoryCsv.STEPS_FILE, out -> HistoryCsv.writeSteps(run.history(), out));
        dir.write(HistoryCsv.EPOCHS_FILE, out -> HistoryCsv.writeEpochs(run.history().epochs(), out));
        dir.write(MetricsJson.FILE_NAME, out -> MetricsJson.write(run.metrics(), out));
        Plots.write(run.history(), run.runName(), dir);
        if (run.keras() != null) {
            dir.write(KerasFiles.MODEL_FILE, out -> KerasFiles.writeModel(out, run.keras(), created));
            dir.write(KerasFiles.WEIGHTS_FILE, out -> KerasFiles.writeWeights(out, run.keras()));
        }
        var files = FileChecksums.list(dir.fileSystem(), dir.tempDir(),
                Set.of(Manifest.FILE_NAME, OutputDirectory.SUCCESS, OutputDirectory.OWNER));
        dir.write(Manifest.FILE_NAME, out -> Manifest.write(run, created, files, out));
    }
}
