package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.data.DataFileException;

/**
 * Bad data files fail the whole job (config to outputs) with the one {@code error:} line TrainMain prints, also
 * when the file is read inside a Spark task, and leave no output directory.
 */
class BadDataRunTest {
    private static final SparkSession SPARK = SparkTestSession.get();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void corruptGzipIdxFailsTheRunWithOneErrorLine() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data")); // the output may not lie inside the input
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        writeIdx(images, 0x00000803, 40, 4);
        writeIdx(data.resolve("train-labels-idx1-ubyte.gz"), 0x00000801, 40, 1);
        byte[] gz = Files.readAllBytes(images);
        gz[gz.length - 8] ^= 1; // the CRC-32 in the trailer
        Files.write(images, gz);
        Path out = dir.resolve("run");

        String stderr = runFails(config("{\"format\": \"idx\", \"path\": \"" + data + "\"}", out));
        assertTrue(stderr.matches("error: " + images + ": corrupt gzip data: CRC-32 mismatch \\(expected 0x[0-9a-f]{8} "
                + "as the gzip trailer says, got 0x[0-9a-f]{8} from the data\\)\n"), stderr);
        assertNoOutput(out);
    }

    @Test
    void csvValueErrorInATaskNamesFileAndLine() throws Exception {
        Path csv = Files.writeString(dir.resolve("train.csv"), "label,a,b\n0,1,2\n1,3,4\n\n2,5,x\n0,6,7\n");
        Path out = dir.resolve("run");
        String stderr = runFails(config("{\"format\": \"csv\", \"path\": \"" + csv + "\"}", out));
        assertEquals("error: " + csv.toUri() + ": line 5: bad value in column 'b' (expected a number, got 'x')\n",
                stderr);
        assertNoOutput(out);
    }

    @Test
    void unexpectedFailureInATaskPrintsItsMessageFirstAndTheStackTraceAfter() {
        Exception e = assertThrows(Exception.class, () -> JavaSparkContext.fromSparkContext(SPARK.sparkContext())
                .parallelize(List.of(1, 2, 3), 3).map(i -> {
                    if (i == 2) {
                        throw new IllegalStateException("disk on fire");
                    }
                    return i;
                }).collect());
        List<String> lines = report(e).lines().toList();
        assertEquals("error: disk on fire (IllegalStateException; stack trace follows)", lines.get(0));
        assertTrue(lines.size() > 3 && lines.get(1).startsWith("org.apache.spark.SparkException"), lines.toString());
    }

    @Test
    void dataErrorThrownOnTheDriverIsOneLineToo() {
        assertEquals("error: /x/y.idx: too short for an IDX header\n",
                report(DataFileException.of("/x/y.idx", "too short for an IDX header", new IOException("EOF"))));
    }

    /** Runs the job as TrainMain does; returns what TrainMain prints to stderr. */
    private String runFails(ObjectNode config) {
        JobConfig c = JobConfig.from(ConfigTree.fromNode(config, List.of()));
        Exception e = assertThrows(Exception.class, () -> new TrainingJob(SPARK, c,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run());
        return report(e);
    }

    private static String report(Throwable e) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, RunFailures.report(e, new PrintStream(err, true, StandardCharsets.UTF_8)));
        return err.toString(StandardCharsets.UTF_8);
    }

    private static ObjectNode config(String data, Path out) throws IOException {
        return (ObjectNode) JSON.readTree("{\"name\": \"bad\", \"data\": {\"train\": " + data
                + ", \"partitions\": 3, \"block_rows\": 8},"
                + "\"model\": {\"type\": \"softmax\", \"classes\": 10},"
                + "\"training\": {\"epochs\": 1, \"batch_size\": 8},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0}},"
                + "\"output\": {\"path\": \"" + out + "\"}}");
    }

    private static void writeIdx(Path file, int magic, int count, int itemBytes) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(magic);
            out.writeInt(count);
            if (itemBytes > 1) {
                out.writeInt(2);
                out.writeInt(itemBytes / 2);
            }
            for (int i = 0; i < count * itemBytes; i++) {
                out.writeByte(i * 31 % (itemBytes > 1 ? 256 : 10));
            }
        }
    }

    private static void assertNoOutput(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " exists");
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(out.getFileName() + "._")).toList(), "temporary directories left behind");
        }
    }
}
