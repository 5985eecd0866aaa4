package org.sparkadadelta.bench;

import static org.sparkadadelta.optim.Adadelta.UpdateKernel.FUSED;
import static org.sparkadadelta.optim.Adadelta.UpdateKernel.TENSOR_OPS;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaDeltaUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Variable;

/**
 * The driver's optimizer step on one float32 variable of {@code params} elements, against ND4J's own fused
 * AdaDelta updater op on the same size, in the same JVM. Scenarios run interleaved, round after round, so
 * that a noisy neighbour on the shared machine hits them alike; each figure is reported as a ratio against
 * the fused op of the same round (the median over rounds), with minor page faults per step.
 *
 * <p>{@code Adadelta.apply} runs with each {@link Adadelta.UpdateKernel}: the ND4J ops (the default) and
 * the fused loop.
 *
 * <p>Arguments ({@code key=value}): {@code params} (10,000,000), {@code rounds} (7), {@code steps} per
 * round (5), {@code warmup} steps per scenario (3).
 */
public final class DriverStepBench {
    private DriverStepBench() {
    }

    /** One step of something to time. */
    private interface Step {
        void run();
    }

    public static void main(String[] args) {
        Map<String, Long> opts = new LinkedHashMap<>();
        opts.put("params", 10_000_000L);
        opts.put("rounds", 7L);
        opts.put("steps", 5L);
        opts.put("warmup", 3L);
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (!opts.containsKey(kv[0]) || kv.length != 2) {
                throw new IllegalArgumentException("unknown argument " + a + "; expected key=value with key in "
                        + opts.keySet());
            }
            opts.put(kv[0], Long.parseLong(kv[1].replace("_", "")));
        }
        int n = Math.toIntExact(opts.get("params"));
        int rounds = Math.toIntExact(opts.get("rounds"));
        int steps = Math.toIntExact(opts.get("steps"));

        Map<String, Step> scenarios = new LinkedHashMap<>();
        scenarios.put("nd4j fused AdaDelta op", fusedNd4jOp(n));
        scenarios.put("Adadelta.apply defaults", adadelta(n, Adadelta.builder().updateKernel(TENSOR_OPS)));
        scenarios.put("... ema+wd+clipnorm",
                adadelta(n, Adadelta.builder().updateKernel(TENSOR_OPS).useEma(true).weightDecay(0.004).clipnorm(1.0)));
        scenarios.put("Adadelta.apply defaults, FUSED", adadelta(n, Adadelta.builder().updateKernel(FUSED)));
        scenarios.put("... ema+wd+clipnorm, FUSED",
                adadelta(n, Adadelta.builder().updateKernel(FUSED).useEma(true).weightDecay(0.004).clipnorm(1.0)));

        for (Step s : scenarios.values()) {
            for (long i = 0; i < opts.get("warmup"); i++) {
                s.run();
            }
        }
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        scenarios.keySet().forEach(k -> results.put(k, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Step> e : scenarios.entrySet()) {
                long faults = MinorFaults.count();
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    e.getValue().run();
                }
                double nsPerParam = (System.nanoTime() - t0) / (double) steps / n;
                double faultsPerStep = (MinorFaults.count() - faults) / (double) steps;
                results.get(e.getKey()).add(new double[] {nsPerParam, faultsPerStep});
            }
        }
        report(opts, results);
    }

    private static void report(Map<String, Long> opts, Map<String, List<double[]>> results) {
        System.out.println("DriverStepBench " + opts + ", java " + System.getProperty("java.version"));
        List<double[]> peer = results.values().iterator().next();
        System.out.printf(Locale.ROOT, "%-32s %12s %12s %14s %16s%n", "scenario", "ns/param", "(min)",
                "ratio to op", "minflt/step");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            List<double[]> rs = e.getValue();
            double[] ns = rs.stream().mapToDouble(x -> x[0]).toArray();
            double[] ratio = new double[rs.size()];
            for (int i = 0; i < ratio.length; i++) {
                ratio[i] = rs.get(i)[0] / peer.get(i)[0];
            }
            double[] faults = rs.stream().mapToDouble(x -> x[1]).toArray();
            System.out.printf(Locale.ROOT, "%-32s %12.2f %12.2f %14.2f %16.0f%n", e.getKey(), median(ns),
                    Arrays.stream(ns).min().orElseThrow(), median(ratio), median(faults));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** ND4J's native {@code adaDeltaUpdater} op: the update into its own array, both averages in place. */
    private static Step fusedNd4jOp(int n) {
        INDArray grad = gaussian(n, 1, 1e-2);
        INDArray msg = Nd4j.zeros(DataType.FLOAT, n);
        INDArray msdx = Nd4j.zeros(DataType.FLOAT, n);
        INDArray update = Nd4j.zeros(DataType.FLOAT, n);
        return () -> Nd4j.exec(new AdaDeltaUpdater(grad, msg, msdx, update, msg, msdx,
                Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPSILON));
    }

    private static Step adadelta(int n, Adadelta.Builder builder) {
        Variable v = new Variable("kernel", "dense/kernel", gaussian(n, 2, 0.1));
        INDArray grad = gaussian(n, 3, 1e-2);
        Adadelta opt = builder.build();
        List<Variable> vars = List.of(v);
        List<INDArray> grads = List.of(grad);
        opt.build(vars);
        return () -> opt.apply(grads, vars);
    }

    private static INDArray gaussian(int n, long seed, double scale) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n).muli(scale);
    }
}
