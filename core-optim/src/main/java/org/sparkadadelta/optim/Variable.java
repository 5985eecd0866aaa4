package org.sparkadadelta.optim;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.python.NumpyRepr;
import org.sparkadadelta.optim.tensor.Precision;

/**
 * A named, mutable tensor: a model weight or an optimizer slot, like a Keras {@code Variable}.
 *
 * <p>Optimizers know variables by identity, as Keras does. Updates are written into the same
 * {@link INDArray} ({@link #assign}), so a reference obtained from {@link #value()} always sees the current
 * value. {@code name} is the short name (weight decay exclusion matches it); {@code path} is the full
 * path such as {@code dense/kernel} (slot names are derived from it).
 */
public final class Variable {
    private final String name;
    private final String path;
    private final INDArray value;

    public Variable(String name, INDArray value) {
        this(name, name, value);
    }

    public Variable(String name, String path, INDArray value) {
        this.name = Objects.requireNonNull(name, "name");
        this.path = Objects.requireNonNull(path, "path");
        this.value = Objects.requireNonNull(value, "value");
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    /** The live value: updates made by an optimizer are visible through this array. */
    public INDArray value() {
        return value;
    }

    public long[] shape() {
        return value.shape();
    }

    /** The floating-point precision; only valid for float variables. */
    public Precision precision() {
        return Precision.of(value.dataType());
    }

    /** Overwrites the value in place (with a cast if {@code newValue} has another dtype). */
    public void assign(INDArray newValue) {
        if (!Arrays.equals(newValue.shape(), value.shape())) {
            throw new IllegalArgumentException("Cannot assign a value of shape " + Shapes.python(newValue.shape())
                    + " to variable '" + path + "' of shape " + Shapes.python(value.shape()));
        }
        value.assign(newValue);
    }

    /** Keras's dtype name: {@code float32}, {@code float64}, {@code int32}, {@code int64}. */
    public String kerasDtype() {
        switch (value.dataType()) {
            case FLOAT:
                return "float32";
            case DOUBLE:
                return "float64";
            case INT:
                return "int32";
            case LONG:
                return "int64";
            default:
                return value.dataType().name().toLowerCase();
        }
    }

    /** Keras's repr, e.g. {@code <Variable path=kernel, shape=(2, 2), dtype=float32, value=[[1. 1.]\n [1. 1.]]>}. */
    @Override
    public String toString() {
        return "<Variable path=" + path + ", shape=" + Shapes.python(value.shape()) + ", dtype="
                + kerasDtype() + ", value=" + NumpyRepr.str(value) + ">";
    }

    /** Shape formatting as Python prints tuples and numpy prints shapes in its messages. */
    static final class Shapes {
        private Shapes() {
        }

        /** Python tuple repr: {@code (2, 3)}, {@code (3,)}, {@code ()}. */
        static String python(long[] shape) {
            if (shape.length == 1) {
                return "(" + shape[0] + ",)";
            }
            return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        }

        /** numpy's compact form used in broadcast errors: {@code (2,3)}, {@code (3,)}. */
        static String numpy(long[] shape) {
            return python(shape).replace(", ", ",");
        }
    }
}
