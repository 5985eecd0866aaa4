package org.sparkadadelta.spark.data;

import org.apache.spark.api.java.JavaRDD;

/**
 * A loaded, validated and cached dataset: blocks of dense rows plus what was learned while loading.
 *
 * @param blocks      cached blocks, rows numbered 0..rows-1 across all partitions in order
 * @param rows        total number of rows (at least 1)
 * @param numFeatures features per row
 * @param labels      label range, for checking against the model
 * @param checksum    {@link DataChecksum} of the rows in order, so a resumed run can check it has the same data
 * @param source      a human-readable description of where the data came from (for messages and manifests)
 * @param weighted    whether the blocks carry sample weights (a weight column)
 */
public record TrainingData(JavaRDD<DenseBlock> blocks, long rows, int numFeatures, LabelSummary labels,
        long checksum, String source, boolean weighted) {

    /** Data without sample weights. */
    public TrainingData(JavaRDD<DenseBlock> blocks, long rows, int numFeatures, LabelSummary labels, long checksum,
            String source) {
        this(blocks, rows, numFeatures, labels, checksum, source, false);
    }
}
