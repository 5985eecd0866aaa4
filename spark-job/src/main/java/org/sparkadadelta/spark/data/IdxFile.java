package org.sparkadadelta.spark.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An IDX file (the MNIST format) of unsigned bytes, as its header describes it: {@code count} items of
 * {@code itemBytes} bytes each ({@code rows x cols} for images, 1 for labels). Plain or gzip-compressed,
 * told apart by content, not by name.
 *
 * @param path        the file
 * @param gzip        whether it is gzip-compressed
 * @param headerBytes bytes before the first item: the magic number, then one int per dimension
 * @param count       number of items
 * @param itemBytes   bytes per item
 */
record IdxFile(String path, boolean gzip, int headerBytes, int count, int itemBytes) implements Serializable {
    static final int UBYTE_IMAGES = 0x00000803;
    static final int UBYTE_LABELS = 0x00000801;

    /** Reads and checks the header: the magic (unsigned bytes, 3 dims for images, 1 for labels), positive sizes. */
    static IdxFile read(Configuration conf, String path, int magic) {
        FileSystem fs = HadoopFiles.fileSystem(conf, path);
        try (FSDataInputStream raw = fs.open(new Path(path))) {
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.seek(0);
            DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw) : raw);
            int found = in.readInt();
            if (found != magic) {
                throw DataFileException.of(path, String.format("not an IDX %s file: bad magic number (expected 0x%08X, got 0x%08X)",
                        magic == UBYTE_IMAGES ? "unsigned-byte images (3 dimensions)"
                                : "unsigned-byte labels (1 dimension)", magic, found), null);
            }
            boolean images = magic == UBYTE_IMAGES;
            int count = in.readInt();
            int rows = images ? in.readInt() : 1;
            int cols = images ? in.readInt() : 1;
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw DataFileException.of(path, "bad IDX dimensions " + count + " x " + rows + " x " + cols, null);
            }
            IdxFile file = new IdxFile(path, gzip, images ? 16 : 8, count, Math.multiplyExact(rows, cols));
            file.checkLength(fs);
            return file;
        } catch (EOFException e) {
            throw DataFileException.of(path, "too short for an IDX header", e);
        } catch (ZipException e) {
            throw GzipCheckedStream.corrupt(path, e, -1);
        } catch (IOException e) {
            throw HadoopFiles.failure("read", path, e);
        }
    }

    /**
     * A plain file's length must match its header exactly; a gzip file's decompressed length is checked by the
     * task that reads its last slice ({@link IdxSliceCursor}), which decompresses the whole file anyway.
     */
    private void checkLength(FileSystem fs) throws IOException {
        long actual = fs.getFileStatus(new Path(path)).getLen();
        if (!gzip && actual != expectedBytes()) {
            throw wrongLength(actual);
        }
    }

    /** Header plus items, decompressed. */
    long expectedBytes() {
        return headerBytes + (long) count * itemBytes;
    }

    /** The file (decompressed) holds {@code actual} bytes where its header announces {@link #expectedBytes()}. */
    DataFileException wrongLength(long actual) {
        long items = Math.max(0, actual - headerBytes) / itemBytes;
        return DataFileException.of(path, (actual < expectedBytes() ? "truncated" : "longer than its header says")
                + " (expected " + count + " items of " + itemBytes + " bytes after a " + headerBytes + "-byte header, "
                + expectedBytes() + " bytes" + (gzip ? " decompressed" : "") + "; got " + actual + " bytes"
                + (actual < expectedBytes() ? ", " + items + " whole items" : "") + ")", null);
    }

    /**
     * A buffered stream positioned at item {@code first}: a seek for plain files, a skip through gzip (which
     * can only be decompressed from the start; the skipped bytes count in the stream's CRC-32).
     *
     * @throws DataFileException when the file ends before that item, or its gzip data is corrupt
     */
    GzipCheckedStream openAt(Configuration conf, long first) throws IOException {
        FSDataInputStream raw = HadoopFiles.fileSystem(conf, path).open(new Path(path));
        long offset = headerBytes + first * itemBytes;
        if (!gzip) {
            raw.seek(offset);
            return GzipCheckedStream.plain(path, raw);
        }
        GzipCheckedStream in = GzipCheckedStream.gzip(path, conf, raw);
        long skipped = in.skip(offset);
        if (skipped < offset) {
            in.close();
            throw wrongLength(skipped);
        }
        return in;
    }
}
