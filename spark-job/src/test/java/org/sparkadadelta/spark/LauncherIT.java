package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/spark-adadelta} as a user runs it, from another directory with relative paths: the config's
 * {@code spark.master} is used unless {@code SUBMIT_ARGS} names one, the local run listens on loopback only
 * (its web UI too), and a config it cannot read is one clear error line.
 */
class LauncherIT {
    @TempDir
    Path cwd;

    /** Writes {@code data/train.csv} and {@code cfg/job.json}, whose paths are relative, master local[1]. */
    private void writeJob() throws Exception {
        Files.createDirectories(cwd.resolve("data"));
        Files.createDirectories(cwd.resolve("cfg"));
        Random r = new Random(3);
        List<String> lines = new ArrayList<>(List.of("label,a,b"));
        for (int i = 0; i < 300; i++) {
            int c = r.nextInt(3);
            lines.add(c + "," + (r.nextGaussian() + c) + "," + (r.nextGaussian() - c));
        }
        Files.write(cwd.resolve("data/train.csv"), lines);
        Files.writeString(cwd.resolve("cfg/job.json"), "{\"name\": \"launcher\", \"spark\": {\"master\": \"local[1]\"},"
                + "\"data\": {\"train\": {\"format\": \"csv\", \"path\": \"data/train.csv\"}, \"partitions\": 2},"
                + "\"model\": {\"type\": \"softmax\", \"classes\": 3},"
                + "\"training\": {\"epochs\": 1, \"batch_size\": 100},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0}},"
                + "\"output\": {\"path\": \"out/run\"}}");
    }

    @Test
    void relativePathsAreTheCallersTheConfigsMasterIsUsedAndNothingListensBeyondLoopback() throws Exception {
        writeJob();
        Path log = cwd.resolve("run.log");
        Process p = Launcher.startIn(cwd, log, "", "cfg/job.json");
        List<String> sockets = listeningSocketsWhileRunning(p);
        assertEquals(0, Launcher.exitStatus(p, log), Launcher.tail(log));
        String console = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(console.contains("Spark 4.2.0, master local[1], web UI http://127.0.0.1:"), console);
        assertTrue(Files.exists(cwd.resolve("out/run/_SUCCESS")), "the output is under the caller's directory");
        assertTrue(console.contains("Output      " + cwd.toRealPath().resolve("out/run")), console);
        // ss shows the driver's sockets: its RPC and its web UI, none on a wildcard address.
        if (!sockets.isEmpty()) {
            assertTrue(sockets.size() >= 2, "RPC and web UI: " + sockets);
            for (String s : sockets) {
                String local = s.split(" ")[3]; // State Recv-Q Send-Q Local:Port Peer:Port Process
                assertTrue(local.matches("(127\\.[0-9.]+|\\[::ffff:127\\.[0-9.]+\\]|\\[::1\\]):[0-9]+"),
                        "listens beyond loopback: " + s);
            }
        }
    }

    @Test
    void aMasterInSubmitArgsWinsOverTheConfigs() throws Exception {
        writeJob();
        Path log = cwd.resolve("run.log");
        int status = Launcher.exitStatus(Launcher.startIn(cwd, log, "--master local[2]", "cfg/job.json"), log);
        assertEquals(0, status, Launcher.tail(log));
        String console = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(console.contains("Spark 4.2.0, master local[2], web UI http://127.0.0.1:"), console);
    }

    @Test
    void predictScoresTheRunIntoParquetAndRefusesToReplaceItUnasked() throws Exception {
        writeJob();
        Path log = cwd.resolve("run.log");
        assertEquals(0, Launcher.exitStatus(Launcher.startIn(cwd, log, "", "cfg/job.json"), log), Launcher.tail(log));
        String[] predict = {"predict", "--model", "out/run", "--data", "csv:data/train.csv", "--output", "out/scores"};
        Path scored = cwd.resolve("predict.log");
        assertEquals(0, Launcher.exitStatus(Launcher.startIn(cwd, scored, "", predict), scored), Launcher.tail(scored));
        String console = Files.readString(scored, StandardCharsets.UTF_8);
        assertTrue(console.matches("(?s).*\nScored 300 rows with softmax classes=3: accuracy \\d\\.\\d{4} \\(label "
                + "column 'label'\\)\nOutput      " + cwd.toRealPath().resolve("out/scores") + " \\(Parquet\\)\n.*"),
                console);
        assertTrue(Files.exists(cwd.resolve("out/scores/_SUCCESS")), "the output is under the caller's directory");

        Path again = cwd.resolve("again.log");
        assertEquals(1, Launcher.exitStatus(Launcher.startIn(cwd, again, "", predict), again));
        List<String> errors = Files.readAllLines(again).stream().filter(l -> l.startsWith("error:")).toList();
        assertEquals(List.of("error: --output " + cwd.toRealPath().resolve("out/scores") + " already exists; add "
                + "--overwrite to replace it (it is replaced only after the new output is complete)"), errors);
    }

    @Test
    void aConfigThatCannotBeReadIsOneErrorLineSayingWhy() throws Exception {
        Path log = cwd.resolve("run.log");
        int status = Launcher.exitStatus(Launcher.startIn(cwd, log, "", "cfg/missing.json"), log);
        assertEquals(2, status);
        List<String> errors = Files.readAllLines(log).stream().filter(l -> l.startsWith("error:")).toList();
        assertEquals(List.of("error: Cannot read config file cfg/missing.json (" + cwd.resolve("cfg/missing.json")
                + "): no such file"), errors);
        assertFalse(Files.exists(cwd.resolve("out")));
    }

    /**
     * The TCP sockets {@code p} (the driver JVM: the launcher execs it) listens on, as {@code ss -ltnp} shows
     * them, sampled until it ends; empty when {@code ss} is not installed.
     */
    private static List<String> listeningSocketsWhileRunning(Process p) throws Exception {
        List<String> seen = new ArrayList<>();
        while (p.isAlive()) {
            Process ss;
            try {
                ss = new ProcessBuilder("ss", "-Hltnp").redirectErrorStream(true).start();
            } catch (java.io.IOException noSs) {
                return List.of();
            }
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                String socket = line.trim().replaceAll("\\s+", " ");
                if (line.contains("pid=" + p.pid() + ",") && !seen.contains(socket)) {
                    seen.add(socket);
                }
            }
            Thread.sleep(200);
        }
        return seen;
    }
}
