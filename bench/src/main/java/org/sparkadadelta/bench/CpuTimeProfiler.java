package org.sparkadadelta.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler reporting the benchmark JVM's CPU time per operation ({@code cpu-ms/op}), before and after
 * each iteration. On a machine shared with other builds, wall time measures how much of a core the
 * scheduler granted as much as the step itself; CPU time does not (it still feels the neighbours' use of
 * the caches and memory bus). ND4J runs single-threaded here ({@code OMP_NUM_THREADS=1}), and after warm-up
 * the JIT and GC threads add little, so the process's CPU time is the step's.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    static final String RESULT = "cpu-ms/op";

    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long before;

    @Override
    public String getDescription() {
        return "process CPU time per operation, in ms";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        double ms = (os.getProcessCpuTime() - before) / 1e6;
        long ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult(RESULT, ms / ops, "ms/op", AggregationPolicy.AVG));
    }
}
