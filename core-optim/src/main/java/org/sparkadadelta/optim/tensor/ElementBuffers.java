package org.sparkadadelta.optim.tensor;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NIO views of an array's off-heap elements, in row-major (numpy's C) order, without copying: element
 * {@code i} of the view is element {@code i} of the flattened array.
 *
 * <p>ND4J's {@code DataBuffer.asNio()} wraps the whole allocation an array lives in, so a view starts at
 * the array's {@code offset()}. Only C-contiguous arrays can be viewed ({@link #isViewable}); callers copy
 * others first.
 */
final class ElementBuffers {
    private ElementBuffers() {
    }

    static boolean isViewable(INDArray a) {
        return a.length() <= Integer.MAX_VALUE && a.offset() + a.length() <= Integer.MAX_VALUE
                && (a.length() <= 1 || a.elementWiseStride() == 1 && (a.rank() <= 1 || a.ordering() == 'c'));
    }

    static FloatBuffer floats(INDArray a) {
        FloatBuffer all = a.data().asNio().duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return all.position((int) a.offset()).limit((int) (a.offset() + a.length())).slice();
    }

    static DoubleBuffer doubles(INDArray a) {
        DoubleBuffer all = a.data().asNio().duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        return all.position((int) a.offset()).limit((int) (a.offset() + a.length())).slice();
    }
}
