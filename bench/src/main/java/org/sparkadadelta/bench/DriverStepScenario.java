package org.sparkadadelta.bench;

import static org.sparkadadelta.optim.Adadelta.UpdateKernel.FUSED;
import static org.sparkadadelta.optim.Adadelta.UpdateKernel.TENSOR_OPS;

import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaDeltaUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Variable;

/**
 * What one driver step runs, on one float32 variable of a given size: ND4J's own fused AdaDelta updater op
 * (the peer every figure is a ratio against), and {@code Adadelta.apply} with Keras's defaults or with
 * {@code use_ema=True, weight_decay=0.004, clipnorm=1.0}, each on both update kernels.
 */
public enum DriverStepScenario {
    /** ND4J's native {@code adaDeltaUpdater} op: the update into its own array, both averages in place. */
    ND4J_FUSED_OP(null),
    DEFAULTS_OPS(() -> Adadelta.builder().updateKernel(TENSOR_OPS)),
    EMA_WD_CLIPNORM_OPS(() -> Adadelta.builder().updateKernel(TENSOR_OPS).useEma(true).weightDecay(0.004)
            .clipnorm(1.0)),
    DEFAULTS_FUSED(() -> Adadelta.builder().updateKernel(FUSED)),
    EMA_WD_CLIPNORM_FUSED(() -> Adadelta.builder().updateKernel(FUSED).useEma(true).weightDecay(0.004)
            .clipnorm(1.0));

    private final Supplier<Adadelta.Builder> optimizer;

    DriverStepScenario(Supplier<Adadelta.Builder> optimizer) {
        this.optimizer = optimizer;
    }

    /** The step on fresh arrays of {@code n} elements, built (slots and scratch created) before it is returned. */
    public Runnable create(int n) {
        if (optimizer == null) {
            INDArray grad = gaussian(n, 1, 1e-2);
            INDArray msg = Nd4j.zeros(DataType.FLOAT, n);
            INDArray msdx = Nd4j.zeros(DataType.FLOAT, n);
            INDArray update = Nd4j.zeros(DataType.FLOAT, n);
            return () -> Nd4j.exec(new AdaDeltaUpdater(grad, msg, msdx, update, msg, msdx,
                    Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPSILON));
        }
        Variable v = new Variable("kernel", "dense/kernel", gaussian(n, 2, 0.1));
        List<Variable> vars = List.of(v);
        List<INDArray> grads = List.of(gaussian(n, 3, 1e-2));
        Adadelta opt = optimizer.get().build();
        opt.build(vars);
        return () -> opt.apply(grads, vars);
    }

    private static INDArray gaussian(int n, long seed, double scale) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n).muli(scale);
    }
}
