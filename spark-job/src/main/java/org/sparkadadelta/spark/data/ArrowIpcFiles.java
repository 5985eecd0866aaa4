package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
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

    static ArrowReader open(HadoopConf conf, String file, BufferAllocator allocator) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(conf.get(), file);
        Path path = new Path(file);
        long size = fs.getFileStatus(path).getLen();
        FSDataInputStream in = fs.open(path);
        byte[] head = new byte[FILE_MAGIC.length];
        int headLength = in.read(0, head, 0, head.length);
        if (startsWith(head, headLength, FEATHER_V1_MAGIC)) {
            in.close();
            throw new DataValidationException(file + " is a Feather version 1 file, not Arrow IPC; "
                    + "write it as Feather version 2 (the Arrow IPC file format)");
        }
        if (startsWith(head, headLength, FILE_MAGIC)) {
            return new ArrowFileReader(new HadoopSeekableChannel(in, size), allocator,
                    CommonsCompressionFactory.INSTANCE);
        }
        return new ArrowStreamReader(in, allocator, CommonsCompressionFactory.INSTANCE);
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
