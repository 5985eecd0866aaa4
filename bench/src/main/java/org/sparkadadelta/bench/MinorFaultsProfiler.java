package org.sparkadadelta.bench;

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
 * A JMH profiler reporting minor page faults per benchmark operation ({@code minflt/op}): the benchmark
 * JVM's {@link MinorFaults} before and after each iteration, over the operations the iteration ran. A fresh
 * off-heap buffer costs one fault per 4 KiB page on first touch, so this counts what a step allocates.
 */
public final class MinorFaultsProfiler implements InternalProfiler {
    static final String RESULT = "minflt/op";

    private long before;

    @Override
    public String getDescription() {
        return "minor page faults per operation (minflt of /proc/self/stat around each iteration)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = MinorFaults.count();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        double faults = MinorFaults.count() - before;
        long ops = Math.max(1, result.getMetadata().getAllOps());
        return List.of(new ScalarResult(RESULT, faults / ops, "faults/op", AggregationPolicy.AVG));
    }
}
