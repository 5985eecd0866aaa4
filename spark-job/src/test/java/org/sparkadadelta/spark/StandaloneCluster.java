package org.sparkadadelta.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine, started and stopped with the project's own
 * {@code bin/standalone-cluster}: a master and one-core workers, each its own JVM, on 127.0.0.1, from a
 * SPARK_HOME whose {@code jars/} links the build's Spark jars; the workers launch executor JVMs from it.
 * {@link #close()} stops every process it started, executors included, and checks that none is left.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Path SCRIPT = Launcher.ROOT.resolve("bin/standalone-cluster");

    private final Path home;
    private final String masterUrl;

    private StandaloneCluster(Path home, String masterUrl) {
        this.home = home;
        this.masterUrl = masterUrl;
    }

    /** Starts a master and {@code workers} workers under {@code home}; returns once all have registered. */
    static StandaloneCluster start(Path home, int workers, String workerMemory) throws Exception {
        Path log = home.resolveSibling(home.getFileName() + "-start.log");
        int exit = script(log, "start", "--workers", String.valueOf(workers), "--cores", "1", "--memory",
                workerMemory, "--dir", home.toString());
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String url = lines.stream().filter(l -> l.startsWith("spark://")).findFirst().orElse(null);
        if (exit != 0 || url == null) {
            script(log, "stop", "--dir", home.toString());
            throw new AssertionError("bin/standalone-cluster start failed (exit " + exit + "):\n"
                    + String.join("\n", lines));
        }
        return new StandaloneCluster(home, url);
    }

    String masterUrl() {
        return masterUrl;
    }

    /** The tails of the daemons' and executors' logs, for a failure message. */
    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(home)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log") || p.endsWith("stderr")).sorted().toList()) {
                out.append("==> ").append(f).append('\n').append(Launcher.tail(f, 25)).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        script(home.resolveSibling(home.getFileName() + "-stop.log"), "stop", "--dir", home.toString());
        // Every daemon and executor runs with this home on its command line: none may outlive the test.
        List<ProcessHandle> left = new ArrayList<>();
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(home.toString()))
                .orElse(false)).forEach(left::add);
        left.forEach(ProcessHandle::destroyForcibly);
        if (!left.isEmpty()) {
            throw new AssertionError("bin/standalone-cluster stop left " + left.size() + " processes running");
        }
    }

    private static int script(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(Launcher.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/standalone-cluster " + args[0] + " did not finish within 3 minutes");
        }
        return p.exitValue();
    }
}
