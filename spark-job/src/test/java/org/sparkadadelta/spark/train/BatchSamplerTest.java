package org.sparkadadelta.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.data.DenseBlock;

class BatchSamplerTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 64, 100, 1000, 4097})
    void eachEpochIsAPermutation(long rows) {
        BatchSampler s = new BatchSampler(rows, 10, 99);
        for (int epoch = 0; epoch < 3; epoch++) {
            BitSet seen = new BitSet();
            for (long r = 0; r < rows; r++) {
                long p = s.permute(epoch, r);
                assertTrue(p >= 0 && p < rows, "position in range");
                assertTrue(!seen.get((int) p), "position used once");
                seen.set((int) p);
            }
        }
    }

    @Test
    void stepsCoverEveryRowOnceWithKerasSizedBatches() {
        BatchSampler s = new BatchSampler(1003, 100, 5);
        assertEquals(11, s.stepsPerEpoch());
        long[] perStep = new long[11];
        for (long r = 0; r < 1003; r++) {
            perStep[(int) s.stepOf(2, r)]++;
        }
        for (int step = 0; step < 10; step++) {
            assertEquals(100, perStep[step]);
        }
        assertEquals(3, perStep[10], "the last batch holds the remainder");
        assertEquals(3, s.rowsInStep(10));
    }

    @Test
    void epochsAndSeedsShuffleDifferently() {
        BatchSampler a = new BatchSampler(500, 50, 1);
        BatchSampler b = new BatchSampler(500, 50, 2);
        assertNotEquals(steps(a, 0), steps(a, 1));
        assertNotEquals(steps(a, 0), steps(b, 0));
        assertEquals(steps(a, 3), steps(new BatchSampler(500, 50, 1), 3), "same seed, same batches");
    }

    @Test
    void batchesDoNotDependOnHowRowsAreBlocked() {
        BatchSampler s = new BatchSampler(300, 32, 8);
        List<Long> fromOneBlock = globalRows(List.of(block(0, 300)), s, 1, 4);
        List<Long> fromThree = globalRows(List.of(block(0, 100), block(100, 150), block(250, 50)), s, 1, 4);
        assertEquals(fromOneBlock, fromThree);
        assertEquals(32, fromOneBlock.size());
    }

    @Test
    void fullBatchUsesEveryRowEveryStep() {
        BatchSampler s = new BatchSampler(40, 0, 1);
        assertTrue(s.isFullBatch());
        assertEquals(1, s.stepsPerEpoch());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, StepRows.of(block(10, 5), s, 3, 0));
    }

    private static List<Long> steps(BatchSampler s, int epoch) {
        List<Long> out = new ArrayList<>();
        for (long r = 0; r < 500; r++) {
            out.add(s.stepOf(epoch, r));
        }
        return out;
    }

    private static List<Long> globalRows(List<DenseBlock> blocks, BatchSampler s, int epoch, long step) {
        List<Long> rows = new ArrayList<>();
        for (DenseBlock b : blocks) {
            for (int local : StepRows.of(b, s, epoch, step)) {
                rows.add(b.firstRow() + local);
            }
        }
        return rows;
    }

    private static DenseBlock block(long first, int rows) {
        return new DenseBlock(first, rows, 1, new float[rows], new float[rows]);
    }
}
