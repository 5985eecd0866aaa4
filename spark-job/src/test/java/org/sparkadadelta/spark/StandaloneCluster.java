package org.sparkadadelta.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine: one master and {@code n} one-core workers, each its own JVM,
 * all bound to 127.0.0.1. Spark itself comes from the project's build: a SPARK_HOME folder whose
 * {@code jars/} links the jars a Spark installation provides ({@code target/launcher/spark-jars.txt}), which
 * is also where the workers find the classpath of the executors they launch. {@link #close()} stops every
 * process it started, executors included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final Path home;
    private final List<Process> daemons = new ArrayList<>();
    private final int port;
    private final int uiPort;

    private StandaloneCluster(Path home) throws IOException {
        this.home = home;
        this.port = freePort();
        this.uiPort = freePort();
    }

    /** Starts a master and {@code workers} workers under {@code home} and waits until all have registered. */
    static StandaloneCluster start(Path home, int workers, int workerMemoryMb) throws Exception {
        StandaloneCluster cluster = new StandaloneCluster(home);
        try {
            cluster.sparkHome();
            cluster.daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(cluster.port), "--webui-port", String.valueOf(cluster.uiPort));
            for (int i = 0; i < workers; i++) {
                Path work = Files.createDirectories(home.resolve("work-" + i));
                cluster.daemon("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", workerMemoryMb + "m", "--webui-port", String.valueOf(freePort()),
                        "--work-dir", work.toString(), cluster.masterUrl());
            }
            cluster.awaitWorkers(workers);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** The daemons' and executors' logs, for a failure message. */
    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.walk(home)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log") || p.endsWith("stderr")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                out.append("==> ").append(f).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /**
     * SPARK_HOME/jars links every jar of Spark's classpath; its own conf/ keeps the host's settings out and
     * the master's REST submission server (a fixed port, 6066) off.
     */
    private void sparkHome() throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(Files.createDirectories(home.resolve("conf")).resolve("spark-defaults.conf"),
                "spark.master.rest.enabled false\n");
        String classpath = Files.readString(Launcher.LAUNCHER.resolve("spark-jars.txt")).trim();
        for (String jar : classpath.split(":")) {
            Path link = jars.resolve(Path.of(jar).getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, Path.of(jar));
            }
        }
    }

    private void daemon(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Launcher.jvmFlags());
        cmd.addAll(List.of("-Xmx512m", "-cp", home.resolve("jars") + "/*",
                "-Dlog4j2.configurationFile=" + Launcher.ROOT.resolve("conf/log4j2.properties"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1"); // daemons, their web UIs and the executors they start
        env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
        daemons.add(pb.start());
    }

    private void awaitWorkers(int expected) throws Exception {
        URI status = URI.create("http://127.0.0.1:" + uiPort + "/json/");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int alive = 0;
        while (System.nanoTime() < deadline) {
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    throw new AssertionError("a cluster daemon exited (" + p.exitValue() + "):\n" + logs());
                }
            }
            try (InputStream in = status.toURL().openStream()) {
                Matcher m = ALIVE_WORKERS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                alive = m.find() ? Integer.parseInt(m.group(1)) : 0;
                if (alive == expected) {
                    return;
                }
            } catch (IOException notUpYet) {
                // the master's UI is still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError(alive + " of " + expected + " workers registered within 2 minutes:\n" + logs());
    }

    /** Stops the daemons and whatever they started (executors), politely first. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : daemons) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception stillAlive) {
                h.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
