package org.sparkadadelta.spark.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * A data file's bytes from some offset on, decompressed when it is gzip: reads and skips report how far they
 * got, and gzip failures (a corrupt deflate stream, a CRC-32 or length mismatch in the trailer, compressed data
 * that ends early) become a {@link DataFileException} naming the file and why. Java's gzip reader checks the
 * trailer only when it is read, so a reader that stops at its last item must {@link #drain} to have it checked.
 */
final class GzipCheckedStream implements AutoCloseable {
    private final String path;
    private final Configuration conf;
    private final InputStream in;
    private final Counting counted;
    private final boolean gzip;

    private GzipCheckedStream(String path, Configuration conf, InputStream in, Counting counted, boolean gzip) {
        this.path = path;
        this.conf = conf;
        this.in = in;
        this.counted = counted;
        this.gzip = gzip;
    }

    /** A plain file, already positioned where reading starts. */
    static GzipCheckedStream plain(String path, FSDataInputStream raw) {
        return new GzipCheckedStream(path, null, new BufferedInputStream(raw, 1 << 16), null, false);
    }

    /** A gzip file from its start. */
    static GzipCheckedStream gzip(String path, Configuration conf, FSDataInputStream raw) throws IOException {
        Counting counted;
        try {
            counted = new Counting(new GZIPInputStream(raw, 1 << 16));
        } catch (ZipException e) {
            raw.close();
            throw corrupt(path, e, 0);
        }
        return new GzipCheckedStream(path, conf, new BufferedInputStream(counted, 1 << 16), counted, true);
    }

    /** Reads up to {@code into.length} bytes; fewer only at the end of the data. */
    int readFully(byte[] into) {
        try {
            return in.readNBytes(into, 0, into.length);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Skips up to {@code n} bytes; fewer only at the end of the data. */
    long skip(long n) {
        long left = n;
        try {
            while (left > 0) {
                long k = in.skip(left);
                if (k > 0) {
                    left -= k;
                } else if (in.read() >= 0) {
                    left--;
                } else {
                    break;
                }
            }
        } catch (IOException e) {
            throw failure(e);
        }
        return n - left;
    }

    /**
     * Reads to the end of a gzip file, so that its trailer's CRC-32 and length are checked.
     *
     * @return the number of decompressed bytes that were left (0 for a plain file, which is not read)
     */
    long drain() {
        if (!gzip) {
            return 0;
        }
        long extra = 0;
        byte[] sink = new byte[1 << 16];
        try {
            for (int n; (n = in.read(sink)) >= 0; ) {
                extra += n;
            }
        } catch (IOException e) {
            throw failure(e);
        }
        return extra;
    }

    private RuntimeException failure(IOException e) {
        if (!gzip) {
            return HadoopFiles.failure("read", path, e);
        }
        if (e instanceof EOFException) {
            return DataFileException.of(path, "truncated gzip data (the compressed stream ends after "
                    + counted.bytes + " decompressed bytes)", e);
        }
        if (e instanceof ZipException z) {
            return "Corrupt GZIP trailer".equals(z.getMessage()) ? trailerMismatch(z) : corrupt(path, z, counted.bytes);
        }
        return HadoopFiles.failure("read", path, e);
    }

    /** Says which trailer field disagrees, reading the trailer from the file's last 8 bytes (one gzip member). */
    private DataFileException trailerMismatch(ZipException e) {
        long crc = counted.crc.getValue();
        long size = counted.bytes & 0xffffffffL;
        try {
            Path p = new Path(path);
            var fs = HadoopFiles.fileSystem(conf, path);
            byte[] t = new byte[8];
            try (FSDataInputStream raw = fs.open(p)) {
                raw.readFully(fs.getFileStatus(p).getLen() - 8, t);
            }
            long trailerCrc = uint32(t, 0);
            long trailerSize = uint32(t, 4);
            if (trailerCrc != crc) {
                return DataFileException.of(path, String.format("corrupt gzip data: CRC-32 mismatch (expected 0x%08x "
                        + "as the gzip trailer says, got 0x%08x from the data)", trailerCrc, crc), e);
            }
            if (trailerSize != size) {
                return DataFileException.of(path, "corrupt gzip data: length mismatch (expected " + trailerSize
                        + " bytes mod 2^32 as the gzip trailer says, got " + size + ")", e);
            }
        } catch (IOException | RuntimeException unreadable) {
            e.addSuppressed(unreadable);
        }
        return DataFileException.of(path, "corrupt gzip data: the CRC-32 or length in the gzip trailer does not "
                + "match the data", e);
    }

    private static long uint32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** @param after decompressed bytes read before the failure, or -1 when not known */
    static DataFileException corrupt(String path, ZipException e, long after) {
        return DataFileException.of(path, "corrupt gzip data: " + e.getMessage()
                + (after >= 0 ? " (after " + after + " decompressed bytes)" : ""), e);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw HadoopFiles.failure("close", path, e);
        }
    }

    /** Counts the decompressed bytes and their CRC-32, to explain a trailer mismatch. */
    private static final class Counting extends FilterInputStream {
        final CRC32 crc = new CRC32();
        long bytes;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                crc.update(b);
                bytes++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                crc.update(b, off, n);
                bytes += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] sink = new byte[(int) Math.min(n, 1 << 16)];
            int k = read(sink, 0, sink.length);
            return Math.max(k, 0);
        }
    }
}
