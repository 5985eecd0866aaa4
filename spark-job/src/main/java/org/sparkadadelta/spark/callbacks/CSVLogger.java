package org.sparkadadelta.spark.callbacks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sparkadadelta.optim.python.PythonRepr;
import org.sparkadadelta.spark.history.EpochRecord;

/**
 * Keras's {@code CSVLogger(filename, separator=",", append=False)}: one line per epoch, written and flushed
 * when the epoch ends, so the file holds every finished epoch even if the driver dies. Keras's layout: a header
 * {@code epoch} plus the sorted log keys (with {@code val_} twins of every key, {@code NA}, when the run has no
 * validation), 0-based epochs, floats as Python writes them. With {@code append} an existing file is continued
 * (its header kept); otherwise it is replaced at the start of training. A local file.
 */
public final class CSVLogger implements Callback {
    private final Path file;
    private final String separator;
    private final boolean append;
    private Writer writer;
    private boolean writeHeader;
    private List<String> keys;

    public CSVLogger(String filename, String separator, boolean append) {
        this.file = Path.of(filename);
        this.separator = separator;
        this.append = append;
    }

    public CSVLogger(String filename) {
        this(filename, ",", false);
    }

    @Override
    public void onTrainBegin(TrainingRun run) {
        try {
            writeHeader = !append || !Files.exists(file) || firstLineEmpty();
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            keys = null;
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean firstLineEmpty() throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            return first == null || first.isEmpty();
        }
    }

    @Override
    public void onEpochEnd(TrainingRun run, EpochRecord record) {
        Map<String, Double> logs = new TreeMap<>(record.logs());
        if (keys == null) {
            keys = new ArrayList<>(logs.keySet());
            if (keys.stream().noneMatch(k -> k.startsWith("val_"))) {
                keys.addAll(keys.stream().map(k -> "val_" + k).toList());
            }
        }
        List<String> cells = new ArrayList<>();
        cells.add(Integer.toString(record.epoch()));
        for (String k : keys) {
            cells.add(logs.containsKey(k) ? PythonRepr.floatRepr(logs.get(k)) : "NA");
        }
        try {
            if (writeHeader) {
                writer.write("epoch" + separator + String.join(separator, keys) + "\r\n");
                writeHeader = false;
            }
            writer.write(String.join(separator, cells) + "\r\n"); // Python's csv module ends lines with \r\n
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainEnd(TrainingRun run) {
        close();
    }

    /** Closes the file (also when training failed; then the finished epochs stay in it). */
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger cannot close " + file + ": " + e.getMessage(), e);
            } finally {
                writer = null;
            }
        }
    }
}
