package org.sparkadadelta.spark.model;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hidden-layer activations (output activations are folded into the {@link Loss}). Both directions write
 * into arrays the caller owns ({@link PassBuffers}' views, offset 0, C order), so nothing is allocated.
 */
public enum Activation {
    LINEAR {
        @Override
        INDArray applyInto(INDArray z, INDArray out) {
            return z;
        }

        @Override
        void backwardInPlace(INDArray z, INDArray upstream) {
        }
    },
    RELU {
        @Override
        INDArray applyInto(INDArray z, INDArray out) {
            return Nd4j.getExecutioner().exec(new RectifiedLinear(z, out));
        }

        @Override
        void backwardInPlace(INDArray z, INDArray upstream) {
            // relu'(z) = 1 for z > 0, else 0 (Keras/TF use 0 at exactly 0 too). The upstream value is multiplied
            // by 0 rather than replaced, as upstream * mask always did: -0 for a negative, NaN for NaN or infinity.
            int n = (int) upstream.length();
            if (upstream.dataType() == DataType.FLOAT) {
                FloatBuffer zs = floats(z.data());
                FloatBuffer up = floats(upstream.data());
                for (int i = 0; i < n; i++) {
                    if (!(zs.get(i) > 0f)) {
                        up.put(i, up.get(i) * 0f);
                    }
                }
            } else {
                DataBuffer zs = z.data();
                DataBuffer up = upstream.data();
                for (int i = 0; i < n; i++) {
                    if (!(zs.getDouble(i) > 0)) {
                        up.put(i, up.getDouble(i) * 0.0);
                    }
                }
            }
        }
    };

    /** The activation of {@code z}: {@code out} (or {@code z} itself for the identity). */
    abstract INDArray applyInto(INDArray z, INDArray out);

    /** Turns d(loss)/d(activation) into d(loss)/dz in place, given the pre-activation z. */
    abstract void backwardInPlace(INDArray z, INDArray upstream);

    private static FloatBuffer floats(DataBuffer b) {
        return b.asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
