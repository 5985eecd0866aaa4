package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output and checkpoint paths that are, hold or lie inside an input are refused, however they are spelled. */
class InputOutputSeparationTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private JobConfig config(String trainPath, String testPath, String... overrides) throws Exception {
        String train = "{\"format\": \"csv\", \"path\": \"" + trainPath + "\"}";
        String test = testPath == null ? "" : ", \"test\": {\"format\": \"idx\", \"path\": \"" + testPath + "\"}";
        ObjectNode node = (ObjectNode) new ObjectMapper().readTree("{\"data\": {\"train\": " + train + test + "},"
                + "\"model\": {\"type\": \"softmax\", \"classes\": 3},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {}},"
                + "\"output\": {\"path\": \"" + dir.resolve("out") + "\"}}");
        return JobConfig.from(ConfigTree.fromNode(node, List.of(overrides)));
    }

    private String refusal(JobConfig c) {
        return assertThrows(IllegalArgumentException.class, () -> InputOutputSeparation.require(c, CONF)).getMessage();
    }

    @Test
    void theTrainingFileAsOutputIsRefused() throws Exception {
        Path csv = Files.writeString(dir.resolve("train.csv"), "label,a\n0,1\n");
        assertEquals("output.path " + csv.toRealPath() + " is the training data (data.train.path): choose another "
                + "output path", refusal(config(csv.toString(), null, "output.path=" + csv, "output.overwrite=true")));
        // Spelled differently: a file: URI, a detour through "..".
        assertEquals("output.path " + csv.toRealPath() + " is the training data (data.train.path): choose another "
                + "output path", refusal(config(csv.toString(), null,
                "output.path=file://" + dir.resolve("sub/../train.csv"))));
    }

    @Test
    void anOutputHoldingOrInsideAnInputIsRefused() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path real = data.toRealPath();
        assertEquals("output.path " + real.getParent() + " contains the training data (data.train.path " + real
                + "/train.csv): choose another output path",
                refusal(config(data.resolve("train.csv").toString(), null, "output.path=" + dir)));
        assertEquals("checkpoint.path " + real + "/ckpt is inside the test data (data.test.path " + real
                + "): choose another checkpoint path",
                refusal(config(dir.resolve("train.csv").toString(), data.toString(),
                        "checkpoint.path=" + data.resolve("ckpt"))));
        // A glob reads its directory: an output in that directory is refused.
        assertEquals("output.path " + real + "/run is inside the training data (data.train.path " + real
                + "): choose another output path",
                refusal(config(data + "/part-*.csv", null, "output.path=" + data.resolve("run"))));
    }

    @Test
    void aSymbolicLinkToTheDataIsSeenThrough() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("alias"), data);
        String message = refusal(config(data.resolve("train.csv").toString(), null,
                "output.path=" + link.resolve("train.csv")));
        assertEquals("output.path " + data.toRealPath() + "/train.csv is the training data (data.train.path): "
                + "choose another output path", message);
    }

    @Test
    void checkpointsAndOutputAreApart() throws Exception {
        Path real = dir.toRealPath();
        assertEquals("checkpoint.path " + real + "/out/ckpt is inside the output directory (output.path " + real
                + "/out): choose another checkpoint path", refusal(config(dir.resolve("train.csv").toString(), null,
                "checkpoint.path=" + dir.resolve("out/ckpt"))));
        assertEquals("checkpoint.path " + real + "/out is the output directory (output.path): choose another "
                + "checkpoint path", refusal(config(dir.resolve("train.csv").toString(), null,
                "checkpoint.path=" + dir.resolve("out"))));
    }

    @Test
    void separatePathsPass() throws Exception {
        List<String> overrides = new ArrayList<>(List.of("output.path=" + dir.resolve("runs/out"),
                "checkpoint.path=" + dir.resolve("runs/ckpt")));
        // Neighbours with a common name prefix are not nested.
        InputOutputSeparation.require(config(dir.resolve("runs/out-data.csv").toString(),
                dir.resolve("runs/outside").toString(), overrides.toArray(String[]::new)), CONF);
    }
}
