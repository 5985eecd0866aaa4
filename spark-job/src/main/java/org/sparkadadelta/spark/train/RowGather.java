package org.sparkadadelta.spark.train;

import org.sparkadadelta.spark.data.DenseBlock;

/** Selected rows of a block copied into contiguous arrays, ready for one matrix product. */
record RowGather(float[] features, float[] labels) {
    static RowGather of(DenseBlock block, int[] rows) {
        int cols = block.cols();
        float[] features = new float[rows.length * cols];
        float[] labels = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(block.features(), rows[i] * cols, features, i * cols, cols);
            labels[i] = block.labels()[rows[i]];
        }
        return new RowGather(features, labels);
    }
}
