package org.sparkadadelta.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link DriverStepBenchmark} with JMH (with {@link ProcessCountersProfiler})
 * and prints each scenario's time per step as ns per parameter and as a ratio to ND4J's fused AdaDelta op on
 * the same size in the same run, the same for CPU time, and minor page faults per step. The forked
 * benchmark JVMs get this JVM's flags.
 *
 * <p>Arguments ({@code key=value}): {@code params}, comma-separated sizes (1000000,4000000,10000000);
 * {@code forks} (1), {@code warmup} iterations (3), {@code iterations} (5), {@code seconds} per iteration (1).
 */
public final class DriverStepBench {
    private DriverStepBench() {
    }

    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put("params", "1000000,4000000,10000000");
        opts.put("forks", "1");
        opts.put("warmup", "3");
        opts.put("iterations", "5");
        opts.put("seconds", "1");
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (!opts.containsKey(kv[0]) || kv.length != 2) {
                throw new IllegalArgumentException("unknown argument " + a + "; expected key=value with key in "
                        + opts.keySet());
            }
            opts.put(kv[0], kv[1].replace("_", ""));
        }
        TimeValue time = TimeValue.seconds(Long.parseLong(opts.get("seconds")));
        Options options = new OptionsBuilder()
                .include(DriverStepBenchmark.class.getName())
                .param("params", opts.get("params").split(","))
                .forks(Integer.parseInt(opts.get("forks")))
                .warmupIterations(Integer.parseInt(opts.get("warmup")))
                .warmupTime(time)
                .measurementIterations(Integer.parseInt(opts.get("iterations")))
                .measurementTime(time)
                .jvmArgs(ManagementFactory.getRuntimeMXBean().getInputArguments().toArray(new String[0]))
                .addProfiler(ProcessCountersProfiler.class)
                .build();
        report(opts, new Runner(options).run());
    }

    private static void report(Map<String, String> opts, Collection<RunResult> results) {
        Map<String, Double> peer = new LinkedHashMap<>();
        Map<String, Double> peerCpu = new LinkedHashMap<>();
        for (RunResult r : results) {
            if (scenario(r) == DriverStepScenario.ND4J_FUSED_OP) {
                peer.put(r.getParams().getParam("params"), r.getPrimaryResult().getScore());
                peerCpu.put(r.getParams().getParam("params"), secondary(r, ProcessCountersProfiler.CPU));
            }
        }
        System.out.println();
        System.out.println("DriverStepBench " + opts + ", java " + System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-10s %-24s %10s %9s %9s %12s %11s %13s %12s%n", "params", "scenario",
                "ms/step", "(error)", "ns/param", "ratio to op", "cpu ms/step", "cpu ratio", "minflt/step");
        for (RunResult r : results) {
            String size = r.getParams().getParam("params");
            Result<?> primary = r.getPrimaryResult();
            double ms = primary.getScore();
            TimeUnit unit = r.getParams().getTimeUnit();
            double nsPerParam = unit.toNanos(1) * ms / Long.parseLong(size);
            double cpu = secondary(r, ProcessCountersProfiler.CPU);
            System.out.printf(Locale.ROOT, "%-10s %-24s %10.2f %9.2f %9.2f %12.2f %11.2f %13.2f %12.0f%n", size,
                    scenario(r), ms, primary.getScoreError(), nsPerParam, ms / peer.get(size), cpu,
                    cpu / peerCpu.get(size), secondary(r, ProcessCountersProfiler.FAULTS));
        }
    }

    private static double secondary(RunResult r, String name) {
        Result<?> result = r.getSecondaryResults().get(name);
        return result == null ? Double.NaN : result.getScore();
    }

    private static DriverStepScenario scenario(RunResult r) {
        return DriverStepScenario.valueOf(r.getParams().getParam("scenario"));
    }
}
