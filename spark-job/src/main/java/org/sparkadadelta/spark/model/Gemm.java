package org.sparkadadelta.spark.model;

import org.nd4j.linalg.api.blas.BlasBufferUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code a.mmuli(b, result)} for a C-order {@code result}, with the column-major temporary it needs supplied
 * by the caller instead of allocated on every call. ND4J 1.0.0-M2.1's {@code mmuli} computes into a fresh
 * F-order array whenever the result is not one (not a view, default strides) and then assigns it to the
 * result; this makes exactly the same BLAS call (same arguments, same shapes and orders) into
 * {@code fTemp} and the same assignment, so the floats are the same.
 */
final class Gemm {
    private Gemm() {
    }

    /**
     * @param fTemp F order, the result's shape (a view of a larger buffer will do: BLAS sees its shape and
     *              strides only)
     */
    static INDArray into(INDArray a, INDArray b, INDArray result, INDArray fTemp) {
        if (b.columns() == 1 || b.rank() == 1) {
            Nd4j.getBlasWrapper().level2().gemv(a.ordering(), BlasBufferUtil.getCharForTranspose(b), 1.0, a, b, 0.0,
                    fTemp);
        } else {
            Nd4j.getBlasWrapper().level3().gemm(a.ordering(), BlasBufferUtil.getCharForTranspose(b),
                    BlasBufferUtil.getCharForTranspose(fTemp), 1.0, a, b, 0.0, fTemp);
        }
        return result.assign(fTemp);
    }
}
