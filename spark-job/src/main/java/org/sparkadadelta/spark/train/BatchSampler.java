package org.sparkadadelta.spark.train;

import java.io.Serializable;

/**
 * Seeded per-epoch shuffles of all rows, computed row by row: row {@code r} of epoch {@code e} sits at
 * position {@code permute(e, r)}, and step {@code s} of the epoch trains on positions
 * {@code [s*B, (s+1)*B)}. Executors decide locally which of their rows belong to a step, so batches mix
 * rows from every partition while no row (or permutation table) is ever shipped, and the batches do not
 * depend on how rows are partitioned.
 *
 * <p>The permutation is a balanced Feistel network over the smallest even power of two covering the row
 * count, with cycle walking to stay inside {@code [0, rows)}. {@code batchSize <= 0} means full batch.
 */
public final class BatchSampler implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ROUNDS = 6;

    private final long rows;
    private final long batchSize;
    private final long seed;
    private final int halfBits;
    private final long halfMask;

    public BatchSampler(long rows, long batchSize, long seed) {
        if (rows <= 0) {
            throw new IllegalArgumentException("Cannot sample batches from " + rows + " rows");
        }
        this.rows = rows;
        this.batchSize = batchSize <= 0 || batchSize > rows ? rows : batchSize;
        this.seed = seed;
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(rows - 1, 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    public long batchSize() {
        return batchSize;
    }

    public boolean isFullBatch() {
        return batchSize == rows;
    }

    /** Steps per epoch; the last batch of an epoch may be smaller, as in Keras. */
    public long stepsPerEpoch() {
        return (rows + batchSize - 1) / batchSize;
    }

    /** The step of {@code epoch} in which global row {@code row} is used. */
    public long stepOf(int epoch, long row) {
        return isFullBatch() ? 0 : permute(epoch, row) / batchSize;
    }

    /** Rows in step {@code step} of an epoch. */
    public long rowsInStep(long step) {
        return Math.min(batchSize, rows - step * batchSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchSampler b && rows == b.rows && batchSize == b.batchSize && seed == b.seed;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rows * 31 + batchSize) * 31 + Long.hashCode(seed);
    }

    /** The position of {@code row} in epoch {@code epoch}'s shuffle: a bijection on [0, rows). */
    long permute(int epoch, long row) {
        long x = row;
        do {
            x = feistel(epoch, x);
        } while (x >= rows);
        return x;
    }

    private long feistel(int epoch, long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (mix(seed, epoch, round, right) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser over the round's inputs: cheap and well mixed. */
    private static long mix(long seed, int epoch, int round, long value) {
        long z = seed ^ (epoch * 0x9E3779B97F4A7C15L) ^ (round * 0xBF58476D1CE4E5B9L) ^ (value * 0x94D049BB133111EBL);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
