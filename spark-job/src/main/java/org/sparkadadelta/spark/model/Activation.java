package org.sparkadadelta.spark.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hidden-layer activations (output activations are folded into the {@link Loss}). */
public enum Activation {
    LINEAR {
        @Override
        INDArray apply(INDArray z) {
            return z;
        }

        @Override
        INDArray backward(INDArray z, INDArray upstream) {
            return upstream;
        }
    },
    RELU {
        @Override
        INDArray apply(INDArray z) {
            return Transforms.relu(z, true);
        }

        @Override
        INDArray backward(INDArray z, INDArray upstream) {
            // relu'(z) = 1 for z > 0, else 0 (Keras/TF use 0 at exactly 0 too)
            return upstream.mul(z.gt(0).castTo(upstream.dataType()));
        }
    };

    abstract INDArray apply(INDArray z);

    /** d(loss)/dz given d(loss)/d(activation) and the pre-activation z. */
    abstract INDArray backward(INDArray z, INDArray upstream);
}
