package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opens an Arrow IPC file through Hadoop's FileSystem with the reader its content calls for: the file format
 * when it starts with the {@code ARROW1} magic, else the stream format. Compressed (LZ4, ZSTD) buffers, as
 * pyarrow's Feather v2 writes by default, are decompressed.
 */
final class ArrowIpcFiles {
    private static final byte[] FILE_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FEATHER_V1_MAGIC = "FEA1".getBytes(StandardCharsets.US_ASCII);

    private ArrowIpcFiles() {
    }

    /**
     * Checks the file's magic bytes, and every length it announces against its size, before Arrow allocates
     * anything sized from its content.
     *
     * @throws DataFileException for a file that is not Arrow IPC, or a truncated or corrupt one
     */
    static ArrowReader open(HadoopConf conf, String file, BufferAllocator allocator) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(conf.get(), file);
        Path path = new Path(file);
        long size = fs.getFileStatus(path).getLen();
        FSDataInputStream in = fs.open(path);
        try {
            byte[] head = new byte[FILE_MAGIC.length];
            int headLength = Math.max(0, in.read(0, head, 0, head.length));
            if (startsWith(head, headLength, FEATHER_V1_MAGIC)) {
                throw DataFileException.of(file, "a Feather version 1 file, not Arrow IPC; write it as Feather "
                        + "version 2 (the Arrow IPC file format)", null);
            }
            if (startsWith(head, headLength, FILE_MAGIC)) {
                ArrowFileReader reader = new ArrowFileReader(new HadoopSeekableChannel(in, size), allocator,
                        CommonsCompressionFactory.INSTANCE);
                checkBlocks(reader, size, file);
                return reader;
            }
            if (!streamStart(head, headLength, size)) {
                throw DataFileException.of(file, "not an Arrow IPC file: bad magic (expected \"ARROW1\" or a "
                        + "stream's 0xFFFFFFFF, got " + hex(head, headLength) + ")", null);
            }
            return new ArrowStreamReader(new BoundedMessageReader(in, size, file, allocator), allocator,
                    CommonsCompressionFactory.INSTANCE);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** A stream starts with the continuation marker, or (before Arrow 0.15) with a plausible metadata length. */
    private static boolean streamStart(byte[] head, int length, long size) {
        if (length < 4) {
            return false;
        }
        int first = ByteBuffer.wrap(head, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return first == 0xFFFFFFFF || first > 0 && first <= size - 4;
    }

    /** The footer's length Arrow checks itself; the record batches and dictionaries it points to must fit too. */
    private static void checkBlocks(ArrowFileReader reader, long size, String file) throws IOException {
        List<ArrowBlock> blocks = new ArrayList<>(reader.getDictionaryBlocks());
        blocks.addAll(reader.getRecordBlocks());
        for (ArrowBlock b : blocks) {
            if (b.getOffset() < 0 || b.getMetadataLength() < 0 || b.getBodyLength() < 0
                    || b.getOffset() + b.getMetadataLength() + b.getBodyLength() > size) {
                throw DataFileException.of(file, "corrupt Arrow IPC file: its footer lists a block of "
                        + (b.getMetadataLength() + b.getBodyLength()) + " bytes at byte " + b.getOffset()
                        + " (expected it within the file's " + size + " bytes)", null);
            }
        }
    }

    private static String hex(byte[] head, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", head[i]));
        }
        return length == 0 ? "an empty file" : s.toString();
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
