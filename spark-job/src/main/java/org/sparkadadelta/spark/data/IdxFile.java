package org.sparkadadelta.spark.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.zip.GZIPInputStream;
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
                throw new DataValidationException(String.format("%s: expected IDX magic number 0x%08X (%s), got 0x%08X",
                        path, magic, magic == UBYTE_IMAGES ? "unsigned-byte images, 3 dimensions"
                                : "unsigned-byte labels, 1 dimension", found));
            }
            boolean images = magic == UBYTE_IMAGES;
            int count = in.readInt();
            int rows = images ? in.readInt() : 1;
            int cols = images ? in.readInt() : 1;
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw new DataValidationException(path + ": bad IDX dimensions " + count + " x " + rows + " x " + cols);
            }
            IdxFile file = new IdxFile(path, gzip, images ? 16 : 8, count, Math.multiplyExact(rows, cols));
            file.checkLength(fs);
            return file;
        } catch (EOFException e) {
            throw new DataValidationException(path + " is too short for an IDX header", e);
        } catch (IOException e) {
            throw HadoopFiles.failure("read", path, e);
        }
    }

    /** A plain file's length must match its header exactly; a gzip file is checked while it is read. */
    private void checkLength(FileSystem fs) throws IOException {
        long expected = headerBytes + (long) count * itemBytes;
        long actual = fs.getFileStatus(new Path(path)).getLen();
        if (!gzip && actual != expected) {
            throw new DataValidationException(path + " has " + actual + " bytes, but its header says " + count
                    + " items of " + itemBytes + " bytes: expected " + expected + " bytes");
        }
    }

    /** A buffered stream positioned at item {@code first}: a seek for plain files, a skip through gzip. */
    InputStream openAt(Configuration conf, long first) throws IOException {
        FSDataInputStream raw = HadoopFiles.fileSystem(conf, path).open(new Path(path));
        long offset = headerBytes + first * itemBytes;
        if (!gzip) {
            raw.seek(offset);
            return new BufferedInputStream(raw, 1 << 16);
        }
        InputStream in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        in.skipNBytes(offset);
        return in;
    }
}
