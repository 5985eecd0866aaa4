package org.sparkadadelta.spark.data;

import java.io.Serializable;
import java.util.Iterator;

/**
 * What one partition's blocks hold, computed in the pass that materializes them. A class, not a record:
 * it is a task result, and Spark's Kryo cannot serialize records.
 */
final class PartitionStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long rows;
    private final int cols;
    private final LabelSummary labels;

    /**
     * @param rows   rows in the partition
     * @param cols   features per row, or 0 for an empty partition
     * @param labels label summary, rows numbered as in the blocks
     */
    PartitionStats(long rows, int cols, LabelSummary labels) {
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
    }

    long rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    static PartitionStats of(Iterator<DenseBlock> blocks) {
        long rows = 0;
        int cols = 0;
        LabelSummary labels = LabelSummary.EMPTY;
        while (blocks.hasNext()) {
            DenseBlock b = blocks.next();
            cols = b.cols();
            rows += b.rows();
            float[] y = b.labels();
            for (int i = 0; i < y.length; i++) {
                labels = labels.add(b.firstRow() + i, y[i]);
            }
        }
        return new PartitionStats(rows, cols, labels);
    }

    /** The label summary with its row shifted from partition-local to global numbering. */
    LabelSummary labelsShiftedBy(long offset) {
        long bad = labels.firstBadRow() < 0 ? -1 : labels.firstBadRow() + offset;
        return new LabelSummary(labels.min(), labels.max(), labels.allIntegral(), bad);
    }
}
