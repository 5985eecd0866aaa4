package org.sparkadadelta.spark.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Rows {@code [first, end)} of an IDX image/label file pair: pixels scaled to [0, 1], the label as its class
 * index. Opens both files itself and reads only its own rows (a gzip file is decompressed from the start).
 */
final class IdxSliceCursor implements RowCursor, AutoCloseable {
    private final IdxFile images;
    private final IdxFile labels;
    private final InputStream imageIn;
    private final InputStream labelIn;
    private final long end;
    private final byte[] pixels;
    private final byte[] labelByte = new byte[1];
    private long row;

    private IdxSliceCursor(IdxFile images, IdxFile labels, InputStream imageIn, InputStream labelIn, long first,
            long end) {
        this.images = images;
        this.labels = labels;
        this.imageIn = imageIn;
        this.labelIn = labelIn;
        this.end = end;
        this.pixels = new byte[images.itemBytes()];
        this.row = first - 1;
    }

    static IdxSliceCursor open(Configuration conf, IdxFile images, IdxFile labels, long first, long end) {
        InputStream imageIn = open(conf, images, first);
        try {
            return new IdxSliceCursor(images, labels, imageIn, open(conf, labels, first), first, end);
        } catch (RuntimeException e) {
            closeQuietly(imageIn, e);
            throw e;
        }
    }

    private static InputStream open(Configuration conf, IdxFile file, long first) {
        try {
            return file.openAt(conf, first);
        } catch (EOFException e) {
            throw truncated(file, first);
        } catch (IOException e) {
            throw HadoopFiles.failure("read", file.path(), e);
        }
    }

    @Override
    public boolean advance() {
        if (row + 1 >= end) {
            close();
            return false;
        }
        row++;
        if (read(images, imageIn, pixels) < pixels.length) {
            throw truncated(images, row);
        }
        if (read(labels, labelIn, labelByte) < 1) {
            throw truncated(labels, row);
        }
        return true;
    }

    private static int read(IdxFile file, InputStream in, byte[] into) {
        try {
            return in.readNBytes(into, 0, into.length);
        } catch (IOException e) {
            throw HadoopFiles.failure("read", file.path(), e);
        }
    }

    private static DataValidationException truncated(IdxFile file, long item) {
        return new DataValidationException(file.path() + " is truncated: it ends before item " + item + " of the "
                + file.count() + " its header announces");
    }

    @Override
    public int cols() {
        return pixels.length;
    }

    @Override
    public void readFeatures(float[] dst, int offset) {
        for (int i = 0; i < pixels.length; i++) {
            dst[offset + i] = (pixels[i] & 0xff) / 255f;
        }
    }

    @Override
    public float label() {
        return labelByte[0] & 0xff;
    }

    @Override
    public String featureName(int index) {
        return "pixel " + index;
    }

    @Override
    public DataValidationException error(String problem) {
        return new DataValidationException("Row " + row + " of " + images.path() + ": " + problem);
    }

    @Override
    public void close() {
        closeQuietly(imageIn, null);
        closeQuietly(labelIn, null);
    }

    private static void closeQuietly(InputStream in, RuntimeException pending) {
        try {
            in.close();
        } catch (IOException e) {
            if (pending != null) {
                pending.addSuppressed(e);
            }
        }
    }
}
