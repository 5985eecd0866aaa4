package org.sparkadadelta.spark.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.sparkadadelta.spark.data.DenseBlock;

/**
 * The rows of one step found in a partition's blocks, copied into contiguous arrays so that the whole
 * partition's share of the batch goes through one matrix product; {@code weights} are their sample weights,
 * or null when the rows are unweighted.
 */
record RowGather(float[] features, float[] labels, float[] weights) {
    int rows() {
        return labels.length;
    }

    static RowGather of(Iterator<DenseBlock> blocks, BatchSampler sampler, int epoch, long step,
            SampleWeights sampleWeights) {
        List<DenseBlock> picked = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        List<float[]> pickedWeights = new ArrayList<>();
        int total = 0;
        int cols = 0;
        while (blocks.hasNext()) {
            DenseBlock b = blocks.next();
            int[] r = StepRows.of(b, sampler, epoch, step);
            if (r.length > 0) {
                picked.add(b);
                rows.add(r);
                pickedWeights.add(sampleWeights.of(b, r));
                total += r.length;
                cols = b.cols();
            }
        }
        float[] features = new float[total * cols];
        float[] labels = new float[total];
        boolean weighted = pickedWeights.stream().anyMatch(w -> w != null);
        float[] weights = weighted ? new float[total] : null;
        int at = 0;
        for (int k = 0; k < picked.size(); k++) {
            DenseBlock b = picked.get(k);
            int[] r = rows.get(k);
            if (weighted) {
                float[] w = pickedWeights.get(k);
                for (int i = 0; i < r.length; i++) {
                    weights[at + i] = w == null ? 1f : w[i];
                }
            }
            for (int row : r) {
                System.arraycopy(b.features(), row * cols, features, at * cols, cols);
                labels[at++] = b.labels()[row];
            }
        }
        return new RowGather(features, labels, weights);
    }
}
