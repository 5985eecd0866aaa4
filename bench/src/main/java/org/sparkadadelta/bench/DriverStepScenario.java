package org.sparkadadelta.bench;

import static org.sparkadadelta.optim.Adadelta.UpdateKernel.FUSED;
import static org.sparkadadelta.optim.Adadelta.UpdateKernel.TENSOR_OPS;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaDeltaUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.tensor.Nd4jTensorMath;

/**
 * What one driver step runs, on one float32 variable of a given size: ND4J's own fused AdaDelta updater op
 * (the peer every figure is a ratio against), and {@code Adadelta.apply} with Keras's defaults or with
 * {@code use_ema=True, weight_decay=0.004, clipnorm=1.0}, each on both update kernels.
 */
public enum DriverStepScenario {
    /** ND4J's native {@code adaDeltaUpdater} op: the update into its own array, both averages in place. */
    ND4J_FUSED_OP(null),
    /**
     * The memory traffic of the fused update without its arithmetic: the same chunked bulk copies (four
     * arrays read, three written back), to tell whether the fused kernel waits on memory or on arithmetic.
     */
    MEMORY_FLOOR(null),
    /** Norm clipping's read pass alone: {@code sum(g*g)} in numpy's pairwise order, as clipnorm computes it. */
    CLIPNORM_SUM(null),
    DEFAULTS_OPS(() -> Adadelta.builder().updateKernel(TENSOR_OPS)),
    EMA_WD_CLIPNORM_OPS(() -> Adadelta.builder().updateKernel(TENSOR_OPS).useEma(true).weightDecay(0.004)
            .clipnorm(1.0)),
    DEFAULTS_FUSED(() -> Adadelta.builder().updateKernel(FUSED)),
    EMA_WD_CLIPNORM_FUSED(() -> Adadelta.builder().updateKernel(FUSED).useEma(true).weightDecay(0.004)
            .clipnorm(1.0));

    /** FusedAdadeltaUpdate's chunk length. */
    private static final int CHUNK = 1024;

    private final Supplier<Adadelta.Builder> optimizer;

    DriverStepScenario(Supplier<Adadelta.Builder> optimizer) {
        this.optimizer = optimizer;
    }

    /** The step on fresh arrays of {@code n} elements, built (slots and scratch created) before it is returned. */
    public Runnable create(int n) {
        if (this == MEMORY_FLOOR) {
            return memoryFloor(n);
        }
        if (this == CLIPNORM_SUM) {
            INDArray grad = gaussian(n, 3, 1e-2);
            return () -> Nd4jTensorMath.INSTANCE.sumOfSquares(grad);
        }
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

    private static Runnable memoryFloor(int n) {
        FloatBuffer[] arrays = new FloatBuffer[4];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = gaussian(n, 4 + k, 1).data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        float[][] chunks = new float[arrays.length][CHUNK];
        return () -> {
            for (int at = 0; at < n; at += CHUNK) {
                int len = Math.min(CHUNK, n - at);
                for (int k = 0; k < arrays.length; k++) {
                    arrays[k].get(at, chunks[k], 0, len);
                }
                for (int k = 1; k < arrays.length; k++) {
                    arrays[k].put(at, chunks[k], 0, len);
                }
            }
        };
    }

    private static INDArray gaussian(int n, long seed, double scale) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n).muli(scale);
    }
}
