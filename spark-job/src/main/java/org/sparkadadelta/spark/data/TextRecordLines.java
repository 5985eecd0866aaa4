package org.sparkadadelta.spark.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Finds the line of a record of a CSV or LibSVM file, as Spark's line readers split it: a task reading the part
 * of a file that starts at byte S gets the lines that start after S (all lines for S = 0), less blank lines,
 * comment lines and, in the file's first part, a CSV header. Spark gives rows no line numbers, so the driver
 * reads the file up to the record, which it does only to report a bad record.
 */
final class TextRecordLines implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean header;
    private final String comment;
    private final boolean trimBeforeComment;

    private TextRecordLines(boolean header, String comment, boolean trimBeforeComment) {
        this.header = header;
        this.comment = comment;
        this.trimBeforeComment = trimBeforeComment;
    }

    /**
     * For Spark's CSV reader with these options, or null when its records are not lines (multiLine, another line
     * separator, an encoding other than UTF-8, malformed records dropped).
     */
    static TextRecordLines csv(Map<String, String> options) {
        Map<String, String> o = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        o.putAll(options);
        String encoding = o.getOrDefault("encoding", o.getOrDefault("charset", "UTF-8")).toUpperCase(Locale.ROOT);
        if (Boolean.parseBoolean(o.getOrDefault("multiLine", "false")) || o.containsKey("lineSep")
                || !(encoding.equals("UTF-8") || encoding.equals("UTF8") || encoding.equals("US-ASCII"))
                || o.getOrDefault("mode", "PERMISSIVE").equalsIgnoreCase("DROPMALFORMED")) {
            return null;
        }
        String comment = o.getOrDefault("comment", "");
        return new TextRecordLines(Boolean.parseBoolean(o.getOrDefault("header", "false")),
                comment.isEmpty() || comment.equals("\u0000") ? null : comment.substring(0, 1), false);
    }

    /** For Spark's LibSVM reader: lines trimmed, blank ones and those starting with {@code #} skipped. */
    static TextRecordLines libsvm() {
        return new TextRecordLines(false, "#", true);
    }

    /**
     * @param file      as {@code input_file_name()} gives it (a URI)
     * @param partStart the byte where the task's part of the file starts
     * @param index     0-based index of the record among that part's records
     * @return the record's 1-based line in the file, or -1 if the file has no such record
     */
    long line(Configuration conf, String file, long partStart, long index) throws IOException {
        Path path = new Path(URI.create(file));
        FileSystem fs = path.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        try (InputStream raw = fs.open(path);
                InputStream in = new BufferedInputStream(codec == null ? raw : codec.createInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            long pos = 0;
            long line = 0;
            long records = 0;
            boolean headerSkipped = !header || partStart > 0;
            int b = in.read();
            while (b >= 0) {
                long start = pos;
                text.reset();
                while (b >= 0 && b != '\n' && b != '\r') {
                    text.write(b);
                    b = in.read();
                    pos++;
                }
                if (b == '\r') {
                    b = in.read();
                    pos++;
                    if (b == '\n') {
                        b = in.read();
                        pos++;
                    }
                } else if (b == '\n') {
                    b = in.read();
                    pos++;
                }
                line++;
                if ((partStart == 0 || start > partStart) && isRecord(text.toString(StandardCharsets.UTF_8))) {
                    if (!headerSkipped) {
                        headerSkipped = true;
                    } else if (records++ == index) {
                        return line;
                    }
                }
            }
            return -1;
        }
    }

    private boolean isRecord(String line) {
        String trimmed = line.trim();
        return !trimmed.isEmpty() && (comment == null || !(trimBeforeComment ? trimmed : line).startsWith(comment));
    }
}
