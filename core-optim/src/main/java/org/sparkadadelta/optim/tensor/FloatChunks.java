package org.sparkadadelta.optim.tensor;

/**
 * The elementwise steps around an update rule on float32 chunks held in heap arrays: the loops the fused
 * kernels run over each chunk they copied in (plain array loops, which the JIT vectorizes). Each element
 * rounds once per operator, in the order Keras writes the expression (see {@link FusedAdadeltaUpdate}).
 */
final class FloatChunks {
    private FloatChunks() {
    }

    /** {@code g := (g + sum) / period}: the average of an accumulated gradient. */
    static void addThenDivide(float[] g, float[] sum, int len, float period) {
        for (int i = 0; i < len; i++) {
            g[i] = (g[i] + sum[i]) / period;
        }
    }

    /** {@code x := min(max(x, lo), hi)} with NaN kept NaN and the sign of a zero kept, as ND4J's ClipByValue. */
    static void clip(float[] x, int len, float lo, float hi) {
        for (int i = 0; i < len; i++) {
            float xi = x[i];
            x[i] = xi < lo ? lo : xi > hi ? hi : xi;
        }
    }

    /** {@code x := (x * c) / d}. */
    static void multiplyThenDivide(float[] x, int len, float c, float d) {
        for (int i = 0; i < len; i++) {
            x[i] = (x[i] * c) / d;
        }
    }

    /** {@code x := x * s}. */
    static void multiply(float[] x, int len, float s) {
        for (int i = 0; i < len; i++) {
            x[i] = x[i] * s;
        }
    }

    /** Decoupled weight decay: {@code v := v - ((v * wd) * lr)}. */
    static void decay(float[] v, int len, float wd, float lr) {
        for (int i = 0; i < len; i++) {
            v[i] = v[i] - (v[i] * wd) * lr;
        }
    }

    /** A moving average: {@code avg := (avg * m) + (v * oneMinusM)}. */
    static void average(float[] avg, float[] v, int len, float m, float oneMinusM) {
        for (int i = 0; i < len; i++) {
            avg[i] = avg[i] * m + v[i] * oneMinusM;
        }
    }
}
