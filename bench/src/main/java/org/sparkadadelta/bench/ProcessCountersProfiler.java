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
 * A JMH profiler reporting two of the benchmark JVM's counters per operation, read before and after each
 * iteration and divided by the operations it ran:
 * <ul>
 *   <li>{@code minflt/op}, minor page faults ({@link MinorFaults}): a fresh off-heap buffer costs one per
 *       4 KiB page on first touch, so this counts what a step allocates;</li>
 *   <li>{@code cpu-ms/op}, the process's CPU time. On a machine shared with other builds, wall time measures
 *       how much of a core the scheduler granted as much as the step itself; CPU time does not (it still
 *       feels the neighbours in the caches and on the memory bus). ND4J runs single-threaded here
 *       ({@code OMP_NUM_THREADS=1}) and after warm-up the JIT and GC threads add little.</li>
 * </ul>
 */
public final class ProcessCountersProfiler implements InternalProfiler {
    static final String FAULTS = "minflt/op";
    static final String CPU = "cpu-ms/op";

    private final OperatingSystemMXBean os =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long faultsBefore;
    private long cpuBefore;

    @Override
    public String getDescription() {
        return "minor page faults and process CPU time (ms) per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        faultsBefore = MinorFaults.count();
        cpuBefore = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        double cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        double faults = MinorFaults.count() - faultsBefore;
        double ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult(FAULTS, faults / ops, "faults/op", AggregationPolicy.AVG),
                new ScalarResult(CPU, cpuMs / ops, "ms/op", AggregationPolicy.AVG));
    }
}
