package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.ClippingSeam;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.tensor.Precision;

/**
 * Norm clipping checked against what Keras's {@code _clip_gradients} received and returned in each step
 * ({@code clip_input}, {@code clip_output} of a differential record): our gradient going into clipping must
 * equal Keras's bit for bit; our clipped gradient must be within {@value #MAX_ULPS} ulp of Keras's per
 * element, with the same NaN and infinities, and the same sign where both are zero (a zero is exact: a zero
 * element times a positive factor, or a finite one over an infinite norm). Then Keras's clipped gradient
 * replaces ours, so that the rest of the step, and with it the whole trajectory, is compared bit for bit.
 *
 * <p>Why {@value #MAX_ULPS} and not 4: only the sum of squares depends on the summation order (TensorFlow's
 * reduction, numpy's pairwise one here), and both sums are within about 1.3 eps of the exact sum of the
 * rounded squares (measured over the 401 clipped tensors of seed 129282461, up to 1,152 elements: TF 1.21,
 * ours 1.27, apart at most 1.86 eps). Everything after the sum is correctly rounded, but starts from
 * different norms, so each of its roundings can fall either way on each side: for clipnorm sqrt and the
 * division (at most 3 eps apart in all, 6 ulp), for global_clipnorm also the sum over the tensors, 1/norm,
 * {@code c * min(...)} and {@code g * scale} (up to 12 ulp if every rounding fell the worst way). An
 * element at the top of its binade counts twice the ulps of one at the bottom for the same relative error.
 * Measured: 5 ulp (seed 129282461, config 143, step 0: 840 float32 elements, global_clipnorm 0.85; TF's norm
 * 28.798582, ours 28.798578, the exact one 28.7985798, so 2 ulp apart, scales 4 ulp apart), 3 ulp elsewhere.
 */
final class KerasClipping implements ClippingSeam.Observer {
    static final long MAX_ULPS = 8;
    /** The largest difference seen by any instance, in ulps, for the test's log. */
    static final AtomicLong MAX_SEEN = new AtomicLong();

    private final List<Variable> caseVariables;
    private final Precision gradientPrecision;
    private JsonNode step;
    private String at;
    private int calls;

    KerasClipping(List<Variable> caseVariables, Precision gradientPrecision) {
        this.caseVariables = caseVariables;
        this.gradientPrecision = gradientPrecision;
    }

    /** Before each apply: the step record to compare with. */
    void expect(JsonNode step, String at) {
        this.step = step;
        this.at = at;
        this.calls = 0;
    }

    /** After each apply: we clipped exactly when Keras did (not on accumulation micro-steps nor LSO skips). */
    void checkCalls() {
        assertEquals(step.has("clip_output") ? 1 : 0, calls, at + ": clipping calls (Keras's, ours)");
    }

    @Override
    public void beforeClipping(List<Variable> vars, List<INDArray> grads) {
        calls++;
        if (!step.has("clip_input")) {
            fail(at + ": we clip, Keras did not");
        }
        JsonNode keras = step.path("clip_input");
        assertEquals(present(keras), names(vars), at + ": variables with a gradient to clip");
        for (int i = 0; i < vars.size(); i++) {
            Bits.assertTensor(keras.get(indexOf(vars.get(i))), grads.get(i),
                    at + ": gradient going into clipping, " + vars.get(i).name());
        }
    }

    @Override
    public List<INDArray> afterClipping(List<Variable> vars, List<INDArray> clipped) {
        JsonNode keras = step.path("clip_output");
        List<INDArray> out = new ArrayList<>(clipped.size());
        for (int i = 0; i < vars.size(); i++) {
            Variable v = vars.get(i);
            JsonNode want = keras.get(indexOf(v));
            INDArray ours = clipped.get(i);
            assertClose(want, ours, at + ": clipped gradient " + v.name());
            // Keras's values in our working array: everything after clipping must then agree exactly.
            ours.assign(GoldenCase.tensor(want, ours.shape(), gradientPrecision));
            out.add(ours);
        }
        return out;
    }

    private static void assertClose(JsonNode expected, INDArray actual, String what) {
        assertEquals(expected.size(), actual.length(), what + ": number of elements");
        INDArray flat = actual.reshape('c', new long[] {actual.length()});
        boolean doubles = actual.dataType() == DataType.DOUBLE;
        for (int i = 0; i < expected.size(); i++) {
            double e = GoldenFiles.number(expected.get(i));
            double a = doubles ? flat.getDouble(i) : flat.getFloat(i);
            long ulps = doubles ? ulps(e, a) : ulps((float) e, (float) a);
            MAX_SEEN.accumulateAndGet(ulps == Long.MAX_VALUE ? 0 : ulps, Math::max);
            if (ulps > MAX_ULPS) {
                fail(what + "[" + i + "] of " + expected.size() + ": expected " + e + " ("
                        + (doubles ? Bits.hex(e) : Bits.hex((float) e)) + ") but was " + a + " ("
                        + (doubles ? Bits.hex(a) : Bits.hex((float) a)) + "): "
                        + (ulps == Long.MAX_VALUE ? "NaN, infinity or sign of zero differs" : ulps + " ulp")
                        + "; at most " + MAX_ULPS + " allowed");
            }
        }
    }

    /** Ulps between two float32 values; {@code Long.MAX_VALUE} where only bit equality will do. */
    static long ulps(float e, float a) {
        if (Float.isNaN(e) || Float.isNaN(a)) {
            return Float.isNaN(e) && Float.isNaN(a) ? 0 : Long.MAX_VALUE;
        }
        if (Float.isInfinite(e) || Float.isInfinite(a) || (e == 0 && a == 0)) {
            return Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a) ? 0 : Long.MAX_VALUE;
        }
        return distance(ordered(Float.floatToRawIntBits(e)), ordered(Float.floatToRawIntBits(a)));
    }

    static long ulps(double e, double a) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a) ? 0 : Long.MAX_VALUE;
        }
        if (Double.isInfinite(e) || Double.isInfinite(a) || (e == 0 && a == 0)) {
            return Double.doubleToRawLongBits(e) == Double.doubleToRawLongBits(a) ? 0 : Long.MAX_VALUE;
        }
        return distance(ordered(Double.doubleToRawLongBits(e)), ordered(Double.doubleToRawLongBits(a)));
    }

    /** Sign and magnitude bits as one integer scale, on which adjacent floats are 1 apart (both zeros at 0). */
    private static long ordered(long bits) {
        return bits < 0 ? -(bits & Long.MAX_VALUE) : bits;
    }

    private static long ordered(int bits) {
        return bits < 0 ? -(long) (bits & Integer.MAX_VALUE) : bits;
    }

    private static long distance(long x, long y) {
        long d = x - y;
        boolean overflow = ((x ^ y) & (x ^ d)) < 0;
        return overflow ? Long.MAX_VALUE - 1 : Math.abs(d);
    }

    private int indexOf(Variable v) {
        for (int k = 0; k < caseVariables.size(); k++) {
            if (caseVariables.get(k) == v) {
                return k;
            }
        }
        return fail(at + ": clipping a variable the case does not have: " + v.path());
    }

    private List<String> present(JsonNode perVariable) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < caseVariables.size(); k++) {
            if (perVariable.get(k) != null && !perVariable.get(k).isNull()) {
                out.add(caseVariables.get(k).name());
            }
        }
        return out;
    }

    private static List<String> names(List<Variable> vars) {
        List<String> out = new ArrayList<>();
        for (Variable v : vars) {
            out.add(v.name());
        }
        return out;
    }
}
