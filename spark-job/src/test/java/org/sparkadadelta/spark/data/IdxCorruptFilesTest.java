package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/**
 * Corrupt and truncated IDX files, made from real ones by flipping or cutting bytes, fail the load with a
 * {@link DataFileException} naming the file and why. Loaded in several slices, so the check happens in the
 * Spark task that reads the last slice.
 */
class IdxCorruptFilesTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    private DataFileException loadFails() {
        return assertThrows(DataFileException.class, () -> DataLoader.load(SPARK, DataSpec.of("idx", dir.toString()),
                3, 4));
    }

    @Test
    void crcMismatchInTheTrailer() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 23, 3, 2, true);
        long crc = crcOfContent(images);
        byte[] gz = flip(images, Files.size(images) - 8);
        assertEquals(String.format("%s: corrupt gzip data: CRC-32 mismatch (expected 0x%08x as the gzip trailer "
                + "says, got 0x%08x from the data)", images, trailerCrc(gz), crc), loadFails().getMessage());
    }

    @Test
    void lengthMismatchInTheTrailer() throws IOException {
        IdxFixtures.writePair(dir, "train", 23, 3, 2, true);
        Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
        flip(labels, Files.size(labels) - 4);
        assertEquals(labels + ": corrupt gzip data: length mismatch (expected " + (31 ^ 0xff) + " bytes mod 2^32 "
                + "as the gzip trailer says, got 31)", loadFails().getMessage());
    }

    @Test
    void flippedByteInStoredDeflateDataIsACrcMismatch() throws IOException {
        IdxFixtures.writePair(dir, "train", 23, 3, 2, true);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] content;
        try (var in = new GZIPInputStream(Files.newInputStream(images))) {
            content = in.readAllBytes();
        }
        storedGzip(images, content); // deflate "stored" blocks: a flipped byte changes the data, not the framing
        flip(images, Files.size(images) - 8 - 40);
        DataFileException e = loadFails();
        assertEquals(images.toString(), e.file());
        assertTrue(e.problem().startsWith("corrupt gzip data: CRC-32 mismatch (expected 0x"), e.getMessage());
    }

    @Test
    void flippedByteInCompressedDataNamesTheFile() throws IOException {
        IdxFixtures.writePair(dir, "train", 200, 5, 5, true);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        flip(images, Files.size(images) / 2);
        DataFileException e = loadFails();
        assertEquals(images.toString(), e.file());
        assertTrue(e.problem().contains("gzip") || e.problem().startsWith("truncated")
                || e.problem().startsWith("longer"), e.getMessage());
    }

    @Test
    void gzipCutShort() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 23, 3, 2, true);
        byte[] gz = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(gz, gz.length - 5)); // into the trailer
        DataFileException e = loadFails();
        assertEquals(images + ": truncated gzip data (the compressed stream ends after 154 decompressed bytes)",
                e.getMessage());
    }

    @Test
    void gzipLongerThanItsHeaderSays() throws IOException {
        Path images = IdxFixtures.writePair(dir, "train", 23, 3, 2, true);
        byte[] content;
        try (var in = new GZIPInputStream(Files.newInputStream(images))) {
            content = in.readAllBytes();
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(images))) {
            out.write(content);
            out.write(new byte[] {1, 2, 3});
        }
        assertEquals(images + ": longer than its header says (expected 23 items of 6 bytes after a 16-byte header, "
                + "154 bytes decompressed; got 157 bytes)", loadFails().getMessage());
    }

    @Test
    void plainLabelsCutShort() throws IOException {
        IdxFixtures.writePair(dir, "train", 23, 3, 2, false);
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        Files.write(labels, Arrays.copyOf(bytes, 20));
        assertEquals(labels + ": truncated (expected 23 items of 1 bytes after a 8-byte header, 31 bytes; "
                + "got 20 bytes, 12 whole items)", loadFails().getMessage());
    }

    /** Flips every bit of the byte at {@code at}; returns the new content. */
    static byte[] flip(Path file, long at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) at] ^= (byte) 0xff;
        Files.write(file, b);
        return b;
    }

    private static long crcOfContent(Path gz) throws IOException {
        try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
            CRC32 crc = new CRC32();
            crc.update(in.readAllBytes());
            return crc.getValue();
        }
    }

    private static long trailerCrc(byte[] gz) {
        int at = gz.length - 8;
        return (gz[at] & 0xffL) | (gz[at + 1] & 0xffL) << 8 | (gz[at + 2] & 0xffL) << 16 | (gz[at + 3] & 0xffL) << 24;
    }

    private static void storedGzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)) {
            {
                def.setLevel(Deflater.NO_COMPRESSION);
            }
        }) {
            new ByteArrayInputStream(content).transferTo(out);
        }
    }
}
