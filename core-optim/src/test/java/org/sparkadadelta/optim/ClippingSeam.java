package org.sparkadadelta.optim;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Opens {@link BaseOptimizer}'s package-private clipping seam to the golden tests (another package), so that
 * the seam stays out of the library's public API.
 */
public final class ClippingSeam {
    /** See {@link BaseOptimizer.ClippingObserver}. */
    public interface Observer {
        void beforeClipping(List<Variable> vars, List<INDArray> grads);

        List<INDArray> afterClipping(List<Variable> vars, List<INDArray> clipped);
    }

    private ClippingSeam() {
    }

    public static void observe(BaseOptimizer optimizer, Observer observer) {
        optimizer.setClippingObserver(observer == null ? null : new BaseOptimizer.ClippingObserver() {
            @Override
            public void beforeClipping(List<Variable> vars, List<INDArray> grads) {
                observer.beforeClipping(vars, grads);
            }

            @Override
            public List<INDArray> afterClipping(List<Variable> vars, List<INDArray> clipped) {
                return observer.afterClipping(vars, clipped);
            }
        });
    }
}
