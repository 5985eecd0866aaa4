package org.sparkadadelta.spark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Moves numbered blocks into {@code n} partitions of (nearly) equal, consecutive row ranges. Blocks are cut
 * at range boundaries, shuffled keyed by their first global row and sorted by it, then regrouped into full
 * blocks: the result depends only on the row numbers, never on the order in which shuffle data arrives.
 */
final class RowRangeRepartition {
    private RowRangeRepartition() {
    }

    /**
     * @param blocks globally numbered blocks of {@code total} rows
     * @param n      number of target partitions
     */
    static JavaRDD<DenseBlock> apply(JavaRDD<DenseBlock> blocks, long total, int n, int blockRows) {
        long[] bounds = bounds(total, n);
        return blocks.flatMapToPair(b -> cut(b, bounds).iterator())
                .repartitionAndSortWithinPartitions(new RangePartitioner(bounds))
                .mapPartitionsWithIndex((p, it) -> new BlockIterator(new PieceCursor(it), blockRows, 0, bounds[p]),
                        true);
    }

    /** Start of each of the n ranges of {@code total} rows, plus {@code total}. */
    static long[] bounds(long total, int n) {
        long[] b = new long[n + 1];
        for (int p = 0; p <= n; p++) {
            b[p] = total / n * p + Math.min(p, total % n);
        }
        return b;
    }

    /** The block, cut where it crosses a range boundary, keyed by each piece's first row. */
    private static List<Tuple2<Long, DenseBlock>> cut(DenseBlock b, long[] bounds) {
        List<Tuple2<Long, DenseBlock>> out = new ArrayList<>(2);
        long end = b.firstRow() + b.rows();
        long start = b.firstRow();
        while (start < end) {
            long stop = Math.min(end, bounds[RangePartitioner.rangeOf(bounds, start) + 1]);
            out.add(new Tuple2<>(start, start == b.firstRow() && stop == end ? b : slice(b, start, stop)));
            start = stop;
        }
        return out;
    }

    private static DenseBlock slice(DenseBlock b, long start, long stop) {
        return b.slice((int) (start - b.firstRow()), (int) (stop - b.firstRow()));
    }

    /** Sends a piece to the range holding its first row. */
    static final class RangePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final long[] bounds;

        RangePartitioner(long[] bounds) {
            this.bounds = bounds;
        }

        /** The last range starting at or before {@code row} (empty ranges are skipped). */
        static int rangeOf(long[] bounds, long row) {
            int lo = 0;
            int hi = bounds.length - 2;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (bounds[mid] <= row) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        @Override
        public int numPartitions() {
            return bounds.length - 1;
        }

        @Override
        public int getPartition(Object key) {
            return rangeOf(bounds, (Long) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RangePartitioner r && Arrays.equals(bounds, r.bounds);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bounds);
        }
    }

    /** The rows of a partition's sorted pieces, one after another. */
    private static final class PieceCursor implements RowCursor {
        private final Iterator<Tuple2<Long, DenseBlock>> pieces;
        private DenseBlock piece;
        private int row;

        PieceCursor(Iterator<Tuple2<Long, DenseBlock>> pieces) {
            this.pieces = pieces;
        }

        @Override
        public boolean advance() {
            row++;
            while (piece == null || row >= piece.rows()) {
                if (!pieces.hasNext()) {
                    return false;
                }
                piece = pieces.next()._2();
                row = 0;
            }
            return true;
        }

        @Override
        public int cols() {
            return piece.cols();
        }

        @Override
        public void readFeatures(float[] dst, int offset) {
            System.arraycopy(piece.features(), row * piece.cols(), dst, offset, piece.cols());
        }

        @Override
        public float label() {
            return piece.labels()[row];
        }

        @Override
        public boolean weighted() {
            return piece.weights() != null;
        }

        @Override
        public float weight() {
            return piece.weights()[row];
        }

        @Override
        public String featureName(int index) {
            return String.valueOf(index);
        }

        @Override
        public DataValidationException error(String problem) {
            return new DataValidationException("row " + (piece.firstRow() + row + 1) + ": " + problem);
        }
    }
}
