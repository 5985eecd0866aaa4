package org.sparkadadelta.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The JMH benchmark of one driver step: a {@link DriverStepScenario} on a variable of {@code params} floats. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DriverStepBenchmark {
    @Param({"1000000", "4000000", "10000000"})
    public int params;

    @Param({"ND4J_FUSED_OP", "MEMORY_FLOOR", "CLIPNORM_SUM", "DEFAULTS_OPS", "EMA_WD_CLIPNORM_OPS", "DEFAULTS_FUSED",
            "EMA_WD_CLIPNORM_FUSED"})
    public DriverStepScenario scenario;

    private Runnable step;

    @Setup(Level.Trial)
    public void setUp() {
        step = scenario.create(params);
    }

    @Benchmark
    public void step() {
        step.run();
    }
}
