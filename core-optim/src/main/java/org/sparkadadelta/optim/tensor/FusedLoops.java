package org.sparkadadelta.optim.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise steps around an update rule (weight decay, EMA, norm clipping) as single loops over
 * off-heap arrays, each element read and written once, instead of two or three {@link TensorMath} passes
 * with a temporary. Same arithmetic, in the same order, as the ops they replace (see
 * {@link FusedAdadeltaUpdate} for why Java's operators give the ops' bits); the scalars arrive as doubles
 * and are rounded to the arrays' dtype first, as ND4J's scalar ops do. {@code FusedLoopsTest} checks them
 * against the ops. Chunks are copied in bulk into kept heap arrays so that the JIT vectorizes the loops;
 * one instance per optimizer, not thread-safe.
 */
public final class FusedLoops {
    private static final int CHUNK = 1024;

    private final float[][] floats = new float[2][CHUNK];
    private final double[][] doubles = new double[2][CHUNK];

    /** Whether the loops can run on these arrays: one float dtype, C-contiguous, same length. */
    public static boolean supports(INDArray first, INDArray second) {
        return first.dataType() == second.dataType() && first.length() == second.length()
                && ElementBuffers.isViewable(first) && ElementBuffers.isViewable(second)
                && (first.dataType() == DataType.FLOAT
                        || first.dataType() == DataType.DOUBLE);
    }

    /** Decoupled weight decay in place: {@code v := v - ((v * wd) * lr)}. */
    public void decay(INDArray v, double wd, double lr) {
        if (TensorMath.precisionOf(v) == Precision.FLOAT32) {
            FloatBuffer vb = ElementBuffers.floats(v);
            float w = (float) wd;
            float l = (float) lr;
            float[] c = floats[0];
            for (int at = 0; at < vb.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, vb.limit() - at);
                vb.get(at, c, 0, len);
                FloatChunks.decay(c, len, w, l);
                vb.put(at, c, 0, len);
            }
        } else {
            DoubleBuffer vb = ElementBuffers.doubles(v);
            double[] c = doubles[0];
            for (int at = 0; at < vb.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, vb.limit() - at);
                vb.get(at, c, 0, len);
                for (int i = 0; i < len; i++) {
                    c[i] = c[i] - (c[i] * wd) * lr;
                }
                vb.put(at, c, 0, len);
            }
        }
    }

    /** A moving average in place: {@code avg := (avg * m) + (v * oneMinusM)}. */
    public void average(INDArray avg, INDArray v, double m, double oneMinusM) {
        if (TensorMath.precisionOf(avg) == Precision.FLOAT32) {
            FloatBuffer ab = ElementBuffers.floats(avg);
            FloatBuffer vb = ElementBuffers.floats(v);
            float mf = (float) m;
            float kf = (float) oneMinusM;
            float[] a = floats[0];
            float[] x = floats[1];
            for (int at = 0; at < ab.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, ab.limit() - at);
                ab.get(at, a, 0, len);
                vb.get(at, x, 0, len);
                FloatChunks.average(a, x, len, mf, kf);
                ab.put(at, a, 0, len);
            }
        } else {
            DoubleBuffer ab = ElementBuffers.doubles(avg);
            DoubleBuffer vb = ElementBuffers.doubles(v);
            double[] a = doubles[0];
            double[] x = doubles[1];
            for (int at = 0; at < ab.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, ab.limit() - at);
                ab.get(at, a, 0, len);
                vb.get(at, x, 0, len);
                for (int i = 0; i < len; i++) {
                    a[i] = a[i] * m + x[i] * oneMinusM;
                }
                ab.put(at, a, 0, len);
            }
        }
    }

    /** {@code out := (g * c) / d}; {@code out} may be {@code g}. */
    public void multiplyThenDivide(INDArray g, double c, double d, INDArray out) {
        if (TensorMath.precisionOf(g) == Precision.FLOAT32) {
            FloatBuffer gb = ElementBuffers.floats(g);
            FloatBuffer ob = ElementBuffers.floats(out);
            float cf = (float) c;
            float df = (float) d;
            float[] x = floats[0];
            for (int at = 0; at < gb.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, gb.limit() - at);
                gb.get(at, x, 0, len);
                FloatChunks.multiplyThenDivide(x, len, cf, df);
                ob.put(at, x, 0, len);
            }
        } else {
            DoubleBuffer gb = ElementBuffers.doubles(g);
            DoubleBuffer ob = ElementBuffers.doubles(out);
            double[] x = doubles[0];
            for (int at = 0; at < gb.limit(); at += CHUNK) {
                int len = Math.min(CHUNK, gb.limit() - at);
                gb.get(at, x, 0, len);
                for (int i = 0; i < len; i++) {
                    x[i] = (x[i] * c) / d;
                }
                ob.put(at, x, 0, len);
            }
        }
    }
}
