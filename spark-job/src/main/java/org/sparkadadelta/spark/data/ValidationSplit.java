package org.sparkadadelta.spark.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Keras's {@code validation_split}: the last {@code fraction} of the rows, taken before any shuffling, held
 * out for validation. Rows are numbered globally, in file order and independent of the partitioning
 * ({@link DenseBlock#firstRow()}), so "the last rows" are the same rows however the data is partitioned:
 * training keeps rows {@code [0, split)}, validation gets rows {@code [split, rows)} (renumbered from 0), with
 * {@code split = floor(rows * (1 - fraction))} as Keras computes it. Each part is cached with its own label
 * summary and checksum; the whole data's cache is released.
 *
 * @param train      the first rows
 * @param validation the last rows
 */
public record ValidationSplit(TrainingData train, TrainingData validation) {

    public static ValidationSplit of(TrainingData data, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation_split must be > 0 and < 1; got " + fraction);
        }
        long rows = data.rows();
        long split = splitAt(rows, fraction);
        if (split == 0 || split == rows) {
            throw new IllegalArgumentException("Training data contains " + rows + " samples, which is not sufficient "
                    + "to split it into a validation and training set as specified by `validation_split=" + fraction
                    + "`. Either provide more data, or a different value for the `validation_split` argument.");
        }
        TrainingData train = part(data, 0, split, " (rows 0-" + (split - 1) + ")");
        TrainingData validation = part(data, split, rows, " (validation_split " + fraction + ": rows " + split + "-"
                + (rows - 1) + ")");
        data.blocks().unpersist(false);
        return new ValidationSplit(train, validation);
    }

    /** Keras's {@code int(math.floor(n * (1.0 - validation_split)))}. */
    static long splitAt(long rows, double fraction) {
        return (long) Math.floor(rows * (1.0 - fraction));
    }

    /** Rows {@code [from, to)}, renumbered from 0, cached, with their own summary and checksum. */
    private static TrainingData part(TrainingData data, long from, long to, String what) {
        JavaRDD<DenseBlock> blocks = data.blocks().flatMap(b -> {
            List<DenseBlock> out = new ArrayList<>(1);
            long start = Math.max(from, b.firstRow());
            long stop = Math.min(to, b.firstRow() + b.rows());
            if (start < stop) {
                DenseBlock piece = start == b.firstRow() && stop == b.firstRow() + b.rows() ? b
                        : b.slice((int) (start - b.firstRow()), (int) (stop - b.firstRow()));
                out.add(from == 0 ? piece : piece.withFirstRow(piece.firstRow() - from));
            }
            return out.iterator();
        });
        blocks.persist(StorageLevel.MEMORY_AND_DISK()).setName("blocks of " + data.source() + what);
        LabelSummary labels = LabelSummary.EMPTY;
        long checksum = 0;
        for (PartitionStats s : blocks.mapPartitions(it -> List.of(PartitionStats.of(it)).iterator()).collect()) {
            labels = labels.merge(s.labelsShiftedBy(0));
            checksum += s.checksumShiftedBy(0);
        }
        return new TrainingData(blocks, to - from, data.numFeatures(), labels, checksum, data.source() + what,
                data.weighted());
    }
}
