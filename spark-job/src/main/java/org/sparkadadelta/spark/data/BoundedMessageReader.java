package org.sparkadadelta.spark.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * Arrow's stream reader, which allocates whatever lengths a message announces, made to check them first: each
 * message's metadata and body must fit in what is left of the file. Without this, a file that is not an Arrow
 * stream (or a corrupt one) makes the reader allocate gigabytes from four arbitrary bytes.
 */
final class BoundedMessageReader extends MessageChannelReader {
    private static final int CONTINUATION = 0xFFFFFFFF;

    private final FSDataInputStream raw;
    private final long size;
    private final String file;

    /** @param raw the file, from its start; read through Arrow's channel and, for the checks, by position */
    BoundedMessageReader(FSDataInputStream raw, long size, String file, BufferAllocator allocator) {
        super(new ReadChannel(Channels.newChannel(raw)), allocator);
        this.raw = raw;
        this.size = size;
        this.file = file;
    }

    @Override
    public MessageResult readNext() throws IOException {
        checkMessageAt(bytesRead());
        return super.readNext();
    }

    private void checkMessageAt(long at) throws IOException {
        if (size - at < 4) {
            return; // the end, with or without an end-of-stream marker: Arrow's reader handles it
        }
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        raw.readFully(at, head.array(), 0, (int) Math.min(8, size - at));
        int first = head.getInt(0);
        long metadataAt = first == CONTINUATION ? at + 8 : at + 4;
        long length = first == CONTINUATION ? head.getInt(4) : first;
        if (length == 0 || metadataAt > size) {
            return;
        }
        if (length < 0 || length > size - metadataAt) {
            throw corrupt(at, "message metadata of " + length + " bytes", size - metadataAt);
        }
        byte[] metadata = new byte[(int) length];
        raw.readFully(metadataAt, metadata);
        long body = Message.getRootAsMessage(ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN)).bodyLength();
        long left = size - metadataAt - length;
        if (body < 0 || body > left) {
            throw corrupt(at, "message body of " + body + " bytes", left);
        }
    }

    private DataFileException corrupt(long at, String what, long left) {
        return DataFileException.of(file, "truncated or corrupt Arrow IPC stream: the message at byte " + at
                + " announces " + what + " (expected at most the " + left + " bytes left in the file)", null);
    }
}
