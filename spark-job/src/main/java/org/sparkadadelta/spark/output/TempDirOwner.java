package org.sparkadadelta.spark.output;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which process writes a temporary output directory: its host, process id and process start time, recorded
 * in the directory so that a later run can tell a crashed run's leftover (owner gone) from a live run's
 * directory. The start time guards against a reused process id.
 *
 * @param startMillis the owner's start as epoch milliseconds, or -1 when the platform does not report it
 */
record TempDirOwner(String host, long pid, long startMillis) {
    /** This JVM. */
    static TempDirOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new TempDirOwner(localHost(), self.pid(), startMillis(self));
    }

    /** The record's file content: {@code host}, {@code pid} and {@code startMillis}, one per line. */
    String format() {
        return host + "\n" + pid + "\n" + startMillis + "\n";
    }

    /** The owner in a file written by {@link #format()}, or empty if it is not one. */
    static Optional<TempDirOwner> parse(String text) {
        String[] lines = text.split("\n");
        try {
            return lines.length == 3 ? Optional.of(new TempDirOwner(lines[0], Long.parseLong(lines[1]),
                    Long.parseLong(lines[2]))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the owner ran on this host: only then can its liveness be checked. */
    boolean isLocal() {
        return host.equals(localHost());
    }

    /** On this host: whether the owner process has ended (its id is free, or taken by a later process). */
    boolean hasEnded() {
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) {
            return true;
        }
        long start = startMillis(p.get());
        return startMillis >= 0 && start >= 0 && start != startMillis;
    }

    @Override
    public String toString() {
        return "process " + pid + " on " + host;
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
