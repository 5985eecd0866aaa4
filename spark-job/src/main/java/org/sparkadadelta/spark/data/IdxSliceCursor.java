package org.sparkadadelta.spark.data;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/**
 * Rows {@code [first, end)} of an IDX image/label file pair: pixels scaled to [0, 1], the label as its class
 * index. Opens both files itself and reads only its own rows (a gzip file is decompressed from the start).
 *
 * <p>The slice that ends at the files' last row also reads them to their end: a gzip file's CRC-32 and length
 * are in its trailer, which only that slice's task reaches, having decompressed the whole file anyway. So each
 * file is verified once per read of the data at no extra cost, where checking it on the driver would decompress
 * it once more; a corrupt file fails that task, and so the load, before any training.
 */
final class IdxSliceCursor implements RowCursor, AutoCloseable {
    private final IdxFile images;
    private final IdxFile labels;
    private final GzipCheckedStream imageIn;
    private final GzipCheckedStream labelIn;
    private final long end;
    private final byte[] pixels;
    private final byte[] labelByte = new byte[1];
    private long row;
    private boolean closed;

    private IdxSliceCursor(IdxFile images, IdxFile labels, GzipCheckedStream imageIn, GzipCheckedStream labelIn,
            long first, long end) {
        this.images = images;
        this.labels = labels;
        this.imageIn = imageIn;
        this.labelIn = labelIn;
        this.end = end;
        this.pixels = new byte[images.itemBytes()];
        this.row = first - 1;
    }

    static IdxSliceCursor open(Configuration conf, IdxFile images, IdxFile labels, long first, long end) {
        GzipCheckedStream imageIn = open(conf, images, first);
        try {
            return new IdxSliceCursor(images, labels, imageIn, open(conf, labels, first), first, end);
        } catch (RuntimeException e) {
            closeQuietly(imageIn, e);
            throw e;
        }
    }

    private static GzipCheckedStream open(Configuration conf, IdxFile file, long first) {
        try {
            return file.openAt(conf, first);
        } catch (IOException e) {
            throw HadoopFiles.failure("read", file.path(), e);
        }
    }

    @Override
    public boolean advance() {
        if (row + 1 >= end) {
            if (!closed && end == images.count()) {
                verifyEnd(images, imageIn);
                verifyEnd(labels, labelIn);
            }
            close();
            return false;
        }
        row++;
        read(images, imageIn, pixels);
        read(labels, labelIn, labelByte);
        return true;
    }

    private void read(IdxFile file, GzipCheckedStream in, byte[] into) {
        int n = in.readFully(into);
        if (n < into.length) {
            throw file.wrongLength(file.headerBytes() + row * file.itemBytes() + n);
        }
    }

    /** Past the last item: a gzip file must end here, with a trailer that matches its data. */
    private static void verifyEnd(IdxFile file, GzipCheckedStream in) {
        long extra = in.drain();
        if (extra > 0) {
            throw file.wrongLength(file.expectedBytes() + extra);
        }
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
        return DataFileException.atRow(images.path(), row, problem);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(imageIn, null);
            closeQuietly(labelIn, null);
        }
    }

    private static void closeQuietly(GzipCheckedStream in, RuntimeException pending) {
        try {
            in.close();
        } catch (RuntimeException e) {
            if (pending != null) {
                pending.addSuppressed(e);
            }
        }
    }
}
