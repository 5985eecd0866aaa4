package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.ArrowFixtures.Format;

/**
 * Files given as {@code arrow} that are not Arrow IPC, or are cut short, fail in the task that opens them with an
 * error naming the file, before Arrow allocates anything sized from their bytes (it would try gigabytes).
 */
class ArrowBadFilesTest {
    private static final SparkSession SPARK = SparkTestSession.get();
    private static final Schema XY = new Schema(List.of(ArrowFixtures.field("x", ArrowFixtures.FLOAT),
            ArrowFixtures.field("label", ArrowFixtures.FLOAT)));

    @TempDir
    Path dir;

    private DataFileException loadFails(Path file) {
        return assertThrows(DataFileException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("arrow", file.toString()).withFeaturesCol(null)));
    }

    @Test
    void csvGivenAsArrowIsBadMagic() throws IOException {
        StringBuilder csv = new StringBuilder("label,a,b\n");
        for (int i = 0; i < 1000; i++) {
            csv.append(i % 2).append(',').append(i).append(",0.5\n");
        }
        Path file = Files.writeString(dir.resolve("train.arrow"), csv);
        assertEquals(file + ": not an Arrow IPC file: bad magic (expected \"ARROW1\" or a stream's 0xFFFFFFFF, got "
                + "6c 61 62 65 6c 2c)", loadFails(file).getMessage());
    }

    @Test
    void streamAnnouncingMoreMetadataThanTheFileHolds() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFFFFFFFF).putInt(0x70000000);
        Path file = Files.write(dir.resolve("huge.arrows"), b.array());
        assertEquals(file + ": truncated or corrupt Arrow IPC stream: the message at byte 0 announces message metadata "
                + "of 1879048192 bytes (expected at most the 56 bytes left in the file)", loadFails(file).getMessage());
    }

    @Test
    void streamCutShort() throws IOException {
        Path file = dir.resolve("cut.arrows");
        ArrowFixtures.write(file, XY, Format.STREAM, 40, 10, (root, i, r) -> {
            ((Float4Vector) root.getVector("x")).setSafe(i, r);
            ((Float4Vector) root.getVector("label")).setSafe(i, r % 2);
        });
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        DataFileException e = loadFails(file);
        assertTrue(e.getMessage().startsWith(file + ": truncated or corrupt Arrow IPC stream: the message at byte "),
                e.getMessage());
    }

    @Test
    void fileFormatCutShort() throws IOException {
        Path file = dir.resolve("cut.arrow");
        ArrowFixtures.write(file, XY, Format.FILE, 40, 10, (root, i, r) -> {
            ((Float4Vector) root.getVector("x")).setSafe(i, r);
            ((Float4Vector) root.getVector("label")).setSafe(i, r % 2);
        });
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
        DataFileException e = loadFails(file);
        assertTrue(e.getMessage().startsWith(file + ": not a readable Arrow IPC file: "), e.getMessage());
    }
}
