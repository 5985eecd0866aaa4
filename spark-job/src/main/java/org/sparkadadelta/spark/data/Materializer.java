package org.sparkadadelta.spark.data;

import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns a {@link BlockSource} into cached, globally numbered {@link TrainingData}, reading the source once.
 *
 * <p>Global numbers need every partition's row count first, so a source numbered per partition is read
 * once into a disk-only cache while the counts, feature count and labels are gathered; the final blocks
 * (renumbered, or moved into {@code numPartitions} even row ranges) are then built from that copy and
 * cached in memory. Disk for the intermediate copy keeps memory from holding the data twice. The
 * {@link DataChecksum} is summed in the pass that gathers the counts, with them.
 */
final class Materializer {
    private Materializer() {
    }

    /** @param numPartitions target partition count, or {@code <= 0} to keep the source's partitions */
    static TrainingData materialize(BlockSource source, int numPartitions, int blockRows) {
        JavaRDD<DenseBlock> blocks = source.blocks(blockRows);
        if (source.globallyNumbered()) {
            return cached(source, blocks, () -> layout(source, blocks));
        }
        blocks.persist(StorageLevel.DISK_ONLY()).setName("unnumbered blocks of " + source.description());
        try {
            Layout layout = layout(source, blocks);
            JavaRDD<DenseBlock> numbered = numPartitions > 0 && numPartitions != blocks.getNumPartitions()
                    ? RowRangeRepartition.apply(renumber(blocks, layout.offsets), layout.rows(), numPartitions,
                            blockRows)
                    : renumber(blocks, layout.offsets);
            return cached(source, numbered, () -> {
                TaskFailures.unwrapped(source, numbered::count);
                return layout;
            });
        } finally {
            blocks.unpersist(false);
        }
    }

    /** Caches the final blocks and materializes them with {@code pass}; uncaches them if that fails. */
    private static TrainingData cached(BlockSource source, JavaRDD<DenseBlock> blocks, Supplier<Layout> pass) {
        blocks.persist(StorageLevel.MEMORY_AND_DISK()).setName("blocks of " + source.description());
        try {
            return pass.get().data(blocks, source);
        } catch (Exception e) { // also Spark's undeclared checked SparkException
            blocks.unpersist(false);
            throw e;
        }
    }

    private static Layout layout(BlockSource source, JavaRDD<DenseBlock> blocks) {
        List<PartitionStats> stats = TaskFailures.unwrapped(source,
                () -> blocks.mapPartitions(it -> List.of(PartitionStats.of(it)).iterator()).collect());
        return Layout.of(source, stats);
    }

    private static JavaRDD<DenseBlock> renumber(JavaRDD<DenseBlock> blocks, long[] offsets) {
        return blocks.mapPartitionsWithIndex((p, it) -> new Iterator<DenseBlock>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public DenseBlock next() {
                DenseBlock b = it.next();
                return b.withFirstRow(b.firstRow() + offsets[p]);
            }
        }, true);
    }

    /**
     * Where each partition starts globally (also right for a globally numbered source, whose partitions hold
     * consecutive row ranges), and the dataset's shape.
     */
    private record Layout(long[] offsets, int cols, LabelSummary labels, long checksum) {
        static Layout of(BlockSource source, List<PartitionStats> stats) {
            long[] offsets = new long[stats.size() + 1];
            for (int p = 0; p < stats.size(); p++) {
                offsets[p + 1] = offsets[p] + stats.get(p).rows();
            }
            if (offsets[stats.size()] == 0) {
                throw new DataValidationException(source.description() + " has no rows");
            }
            int first = -1;
            LabelSummary labels = LabelSummary.EMPTY;
            long checksum = 0;
            for (int p = 0; p < stats.size(); p++) {
                PartitionStats s = stats.get(p);
                if (s.rows() == 0) {
                    continue;
                }
                if (first < 0) {
                    first = p;
                } else if (s.cols() != stats.get(first).cols()) {
                    throw new DataValidationException(source.locate(p, offsets[p]) + ": wrong number of features "
                            + "(expected " + stats.get(first).cols() + " as in " + source.locate(first, offsets[first])
                            + ", got " + s.cols() + ")");
                }
                long shift = source.globallyNumbered() ? 0 : offsets[p];
                labels = labels.merge(s.labelsShiftedBy(shift));
                checksum += s.checksumShiftedBy(shift);
            }
            return new Layout(offsets, stats.get(first).cols(), labels, checksum);
        }

        long rows() {
            return offsets[offsets.length - 1];
        }

        TrainingData data(JavaRDD<DenseBlock> blocks, BlockSource source) {
            return new TrainingData(blocks, rows(), cols, labels, checksum, source.description(), source.weighted());
        }
    }
}
