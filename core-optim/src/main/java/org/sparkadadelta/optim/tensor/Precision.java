package org.sparkadadelta.optim.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The floating-point width an operation runs in, and how a scalar meets it.
 *
 * <p>Keras treats Python scalars as "weak": a Python float meeting a float32 tensor is first rounded to
 * float32, and arithmetic between two Python scalars runs in double before that rounding. {@link #round}
 * is that rounding. Because double carries more than twice float32's precision, computing one {@code +},
 * {@code -}, {@code *}, {@code /} or {@code sqrt} in double and rounding once gives exactly the float32
 * result, so scalar arithmetic "in float32" is written here as {@code round(a op b)} on doubles.
 */
public enum Precision {
    FLOAT32(DataType.FLOAT),
    FLOAT64(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Rounds a double to this precision (round to nearest, ties to even). */
    public double round(double x) {
        return this == FLOAT32 ? (double) (float) x : x;
    }

    public double add(double a, double b) {
        return round(a + b);
    }

    public double subtract(double a, double b) {
        return round(a - b);
    }

    public double multiply(double a, double b) {
        return round(a * b);
    }

    public double divide(double a, double b) {
        return round(a / b);
    }

    public double sqrt(double a) {
        return round(Math.sqrt(a));
    }

    /** The wider of two precisions: what numpy/TensorFlow promotion gives for a mixed operation. */
    public static Precision wider(Precision a, Precision b) {
        return a == FLOAT64 || b == FLOAT64 ? FLOAT64 : FLOAT32;
    }

    public static Precision of(DataType type) {
        switch (type) {
            case FLOAT:
                return FLOAT32;
            case DOUBLE:
                return FLOAT64;
            default:
                throw new IllegalArgumentException(
                        "Only float32 and float64 tensors are supported; got dtype " + type);
        }
    }

    /** Keras's dtype name: {@code float32} or {@code float64}. */
    public String kerasName() {
        return this == FLOAT32 ? "float32" : "float64";
    }

    public static Precision fromKerasName(String name) {
        switch (name) {
            case "float32":
                return FLOAT32;
            case "float64":
                return FLOAT64;
            default:
                throw new IllegalArgumentException("Unsupported dtype '" + name + "': expected float32 or float64");
        }
    }
}
