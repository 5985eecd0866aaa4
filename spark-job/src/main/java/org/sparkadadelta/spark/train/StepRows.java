package org.sparkadadelta.spark.train;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.sparkadadelta.spark.data.DenseBlock;

/**
 * Which rows of a cached block belong to a given step of an epoch. The first step of an epoch that touches
 * a block sorts its rows by step once; later steps of that epoch look their rows up in that index, so an
 * executor does O(rows) work per block per epoch rather than per step. The index lives beside the cached
 * block in the executor and is dropped with it.
 */
final class StepRows {
    private static final Map<DenseBlock, EpochIndex> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private StepRows() {
    }

    /** Local row indices (0-based within the block) used by {@code step} of {@code epoch}, ascending. */
    static int[] of(DenseBlock block, BatchSampler sampler, int epoch, long step) {
        if (sampler.isFullBatch()) {
            int[] all = new int[block.rows()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        EpochIndex index = CACHE.get(block);
        if (index == null || index.epoch != epoch || !index.sampler.equals(sampler)) {
            index = new EpochIndex(block, sampler, epoch);
            CACHE.put(block, index);
        }
        return index.rows(step);
    }

    /** The block's rows sorted by (step, row), with each row's step alongside. */
    private static final class EpochIndex {
        final BatchSampler sampler;
        final int epoch;
        final long[] keys; // step << 32 | local row, sorted

        EpochIndex(DenseBlock block, BatchSampler sampler, int epoch) {
            this.sampler = sampler;
            this.epoch = epoch;
            keys = new long[block.rows()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = (sampler.stepOf(epoch, block.firstRow() + i) << 32) | i;
            }
            java.util.Arrays.sort(keys);
        }

        int[] rows(long step) {
            int from = lowerBound(step << 32);
            int to = lowerBound((step + 1) << 32);
            int[] out = new int[to - from];
            for (int i = from; i < to; i++) {
                out[i - from] = (int) keys[i];
            }
            return out;
        }

        private int lowerBound(long key) {
            int lo = 0;
            int hi = keys.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
