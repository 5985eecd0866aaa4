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
    private final long checksum;

    /**
     * @param rows     rows in the partition
     * @param cols     features per row, or 0 for an empty partition
     * @param labels   label summary, rows numbered as in the blocks
     * @param checksum {@link DataChecksum} of the rows, numbered as in the blocks
     */
    PartitionStats(long rows, int cols, LabelSummary labels, long checksum) {
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.checksum = checksum;
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
        long checksum = 0;
        while (blocks.hasNext()) {
            DenseBlock b = blocks.next();
            checksum += DataChecksum.of(b);
            cols = b.cols();
            rows += b.rows();
            float[] y = b.labels();
            for (int i = 0; i < y.length; i++) {
                labels = labels.add(b.firstRow() + i, y[i]);
            }
        }
        return new PartitionStats(rows, cols, labels, checksum);
    }

    /** The label summary with its row shifted from partition-local to global numbering. */
    LabelSummary labelsShiftedBy(long offset) {
        long bad = labels.firstBadRow() < 0 ? -1 : labels.firstBadRow() + offset;
        return new LabelSummary(labels.min(), labels.max(), labels.allIntegral(), bad);
    }

    /** The checksum with its rows shifted from partition-local to global numbering. */
    long checksumShiftedBy(long offset) {
        return DataChecksum.shift(checksum, offset);
    }
}
