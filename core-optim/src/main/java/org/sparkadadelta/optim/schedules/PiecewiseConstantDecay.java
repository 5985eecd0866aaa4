package org.sparkadadelta.optim.schedules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.python.PythonRepr;

/**
 * Mirrors {@code keras.optimizers.schedules.PiecewiseConstantDecay}: {@code values[0]} while
 * {@code step <= boundaries[0]}, {@code values[i]} while {@code boundaries[i-1] < step <= boundaries[i]},
 * and {@code values[-1]} once {@code step > boundaries[-1]}. A step equal to a boundary still gets the
 * earlier value.
 *
 * <p>Keras builds the result as {@code 0 + sum(indicator_i * values_i)} in float32 rather than selecting a
 * value, and this class does the same: for finite values that is exactly {@code f32(values[i])}, but an
 * infinite (or NaN) value makes every step outside its own interval NaN, because {@code 0 * inf} is NaN,
 * and a {@code -0.0} value comes out as {@code +0.0}.
 */
public final class PiecewiseConstantDecay implements LearningRateSchedule {
    private final long[] boundaries;
    private final double[] values;
    private final String name;
    private final float[] valuesF;

    /** {@code PiecewiseConstantDecay(boundaries, values)} with Keras's default name. */
    public PiecewiseConstantDecay(long[] boundaries, double[] values) {
        this(boundaries, values, "PiecewiseConstant");
    }

    /**
     * @throws IllegalArgumentException unless {@code boundaries.length == values.length - 1}, with Keras's
     *     message
     */
    public PiecewiseConstantDecay(long[] boundaries, double[] values, String name) {
        if (boundaries.length != values.length - 1) {
            throw new IllegalArgumentException(lengthMessage(PythonRepr.repr(boundaries), boundaries.length,
                    PythonRepr.repr(values), values.length));
        }
        this.boundaries = boundaries.clone();
        this.values = values.clone();
        this.name = name;
        this.valuesF = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            valuesF[i] = (float) values[i];
        }
    }

    /** Keras's length-mismatch text, given the Python reprs of the two lists as the caller passed them. */
    static String lengthMessage(String boundariesRepr, int nBoundaries, String valuesRepr, int nValues) {
        return "The length of boundaries should be 1 less than the length of values. Received: boundaries="
                + boundariesRepr + " of length " + nBoundaries + ", and values=" + valuesRepr + " of length "
                + nValues + ".";
    }

    /** {@code PiecewiseConstantDecay(**config)}: the length rule is checked on the lists as given. */
    static PiecewiseConstantDecay fromConfig(ScheduleArguments a) {
        a.bind(List.of("boundaries", "values", "name"), 2);
        List<Object> b = a.list("boundaries");
        List<Object> v = a.list("values");
        if (b.size() != v.size() - 1) {
            throw new IllegalArgumentException(lengthMessage(PythonRepr.repr(b), b.size(), PythonRepr.repr(v),
                    v.size()));
        }
        long[] boundaries = new long[b.size()];
        for (int i = 0; i < boundaries.length; i++) {
            boundaries[i] = a.toSteps("boundaries", b.get(i));
        }
        double[] values = new double[v.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.toDouble("values", v.get(i));
        }
        return new PiecewiseConstantDecay(boundaries, values, a.name("PiecewiseConstant"));
    }

    /**
     * @throws IndexOutOfBoundsException when there are no boundaries (Keras accepts that configuration but
     *     fails with an IndexError when called)
     */
    @Override
    public float valueAt(long step) {
        if (boundaries.length == 0) {
            throw new IndexOutOfBoundsException("list index out of range");
        }
        int last = boundaries.length - 1;
        float result = 0f;
        result += indicator(step <= boundaries[0]) * valuesF[0];
        result += indicator(step > boundaries[last]) * valuesF[valuesF.length - 1];
        for (int i = 0; i < last; i++) {
            result += indicator(step > boundaries[i] && step <= boundaries[i + 1]) * valuesF[i + 1];
        }
        return result;
    }

    private static float indicator(boolean b) {
        return b ? 1f : 0f;
    }

    @Override
    public String className() {
        return "PiecewiseConstantDecay";
    }

    @Override
    public Map<String, Object> config() {
        List<Long> b = new ArrayList<>(boundaries.length);
        for (long x : boundaries) {
            b.add(x);
        }
        List<Double> v = new ArrayList<>(values.length);
        for (double x : values) {
            v.add(x);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("boundaries", b);
        c.put("values", v);
        c.put("name", name);
        return c;
    }

    public long[] boundaries() {
        return boundaries.clone();
    }

    public double[] values() {
        return values.clone();
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return Schedules.sameConfig(this, o);
    }

    @Override
    public int hashCode() {
        return config().hashCode();
    }

    @Override
    public String toString() {
        return Schedules.describe(this);
    }
}
