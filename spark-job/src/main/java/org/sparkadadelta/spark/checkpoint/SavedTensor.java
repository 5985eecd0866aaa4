package org.sparkadadelta.spark.checkpoint;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.optim.Variable;

/**
 * One tensor of a checkpoint. Values are doubles because a double holds every float32 and int32 exactly
 * (and int64 up to 2^53, far beyond any step counter).
 *
 * @param path          Keras path, e.g. {@code adadelta/dense_kernel_accumulated_grad}
 * @param name          Keras name
 * @param role          the optimizer role ({@link OptimizerVariable#role()}), null for model weights
 * @param modelVariable path of the model variable a slot belongs to, or null
 * @param dtype         Keras dtype: {@code float32}, {@code float64}, {@code int32}, {@code int64}
 * @param shape         dimensions, {@code []} for a scalar
 * @param values        row-major values
 */
public record SavedTensor(String path, String name, String role, String modelVariable, String dtype, long[] shape,
                          double[] values) {
    private static final Map<String, DataType> DTYPES = Map.of("float32", DataType.FLOAT, "float64", DataType.DOUBLE,
            "int32", DataType.INT, "int64", DataType.LONG);

    public SavedTensor {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        dataType(dtype);
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (values.length != expected) {
            throw new IllegalArgumentException("Tensor '" + path + "' of shape " + Arrays.toString(shape) + " has "
                    + values.length + " values");
        }
    }

    /** A copy of an optimizer variable's current value. */
    public static SavedTensor of(OptimizerVariable v) {
        Variable var = v.variable();
        // dup('c') gives a dense row-major copy whatever the source's strides; the cast is exact.
        double[] values = var.value().castTo(DataType.DOUBLE).dup('c').data().asDouble();
        return new SavedTensor(var.path(), var.name(), v.role(),
                v.modelVariable() == null ? null : v.modelVariable().path(), var.kerasDtype(), var.shape(), values);
    }

    /** The values as an array of this tensor's dtype and shape. */
    public INDArray toArray() {
        return Nd4j.createFromArray(values).castTo(dataType(dtype)).reshape(shape);
    }

    /** The fields that must agree for a restore: everything but the values. */
    String signature() {
        return "path=" + path + ", role=" + role + ", model_variable=" + modelVariable + ", dtype=" + dtype
                + ", shape=" + Arrays.toString(shape);
    }

    private static DataType dataType(String dtype) {
        DataType type = DTYPES.get(dtype);
        if (type == null) {
            throw new IllegalArgumentException("Unsupported dtype '" + dtype + "', expected one of " + DTYPES.keySet());
        }
        return type;
    }
}
