package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocking and row checks, without Spark. */
class BlockIteratorTest {
    /** Rows given as arrays; the last value of each is the label. */
    private static final class ArrayCursor implements RowCursor {
        private final float[][] rows;
        private int row = -1;

        ArrayCursor(float[]... rows) {
            this.rows = rows;
        }

        @Override
        public boolean advance() {
            return ++row < rows.length;
        }

        @Override
        public int cols() {
            return rows[row].length - 1;
        }

        @Override
        public void readFeatures(float[] dst, int offset) {
            System.arraycopy(rows[row], 0, dst, offset, cols());
        }

        @Override
        public float label() {
            return rows[row][cols()];
        }

        @Override
        public String featureName(int index) {
            return "f" + index;
        }

        @Override
        public DataValidationException error(String problem) {
            return new DataValidationException("Row " + row + ": " + problem);
        }
    }

    private static List<DenseBlock> blocks(int blockRows, int expectedCols, float[]... rows) {
        List<DenseBlock> out = new ArrayList<>();
        new BlockIterator(new ArrayCursor(rows), blockRows, expectedCols, 10).forEachRemaining(out::add);
        return out;
    }

    @Test
    void groupsRowsIntoNumberedBlocks() {
        List<DenseBlock> b = blocks(2, 0, new float[] {1, 2, 0}, new float[] {3, 4, 1}, new float[] {5, 6, 2});
        assertEquals(2, b.size());
        assertEquals(10, b.get(0).firstRow());
        assertEquals(12, b.get(1).firstRow());
        assertArrayEquals(new float[] {1, 2, 3, 4}, b.get(0).features());
        assertArrayEquals(new float[] {0, 1}, b.get(0).labels());
        assertArrayEquals(new float[] {5, 6}, b.get(1).features());
        assertEquals(1, b.get(1).rows());
    }

    @Test
    void emptyInputGivesNoBlocks() {
        assertFalse(new BlockIterator(new ArrayCursor(), 4, 0, 0).hasNext());
    }

    @Test
    void rowsMustAllBeAsWideAsTheFirst() {
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> blocks(8, 0, new float[] {1, 2, 0}, new float[] {3, 0}));
        assertEquals("Row 1: wrong number of features (expected 2 as in the first row, got 1)", e.getMessage());
    }

    @Test
    void rowsMustHaveTheExpectedWidth() {
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> blocks(8, 3, new float[] {1, 2, 0}));
        assertEquals("Row 0: wrong number of features (expected 3 as in numFeatures, got 2)", e.getMessage());
        assertEquals("Row 0: has no features",
                assertThrows(DataValidationException.class, () -> blocks(8, 0, new float[] {1})).getMessage());
    }

    @Test
    void nonFiniteFeaturesAndLabelsAreNamed() {
        assertEquals("Row 1: feature f1 is not a finite number (got NaN)", assertThrows(DataValidationException.class,
                () -> blocks(8, 0, new float[] {1, 2, 0}, new float[] {3, Float.NaN, 0})).getMessage());
        assertEquals("Row 0: feature f0 is not a finite number (got -Infinity)", assertThrows(DataValidationException.class,
                () -> blocks(8, 0, new float[] {Float.NEGATIVE_INFINITY, 0})).getMessage());
        assertEquals("Row 0: label is not a finite number (got Infinity)", assertThrows(DataValidationException.class,
                () -> blocks(8, 0, new float[] {1, Float.POSITIVE_INFINITY})).getMessage());
    }

    @Test
    void rangeBoundsSpreadTheRemainderOverTheFirstRanges() {
        assertArrayEquals(new long[] {0, 8, 16, 23, 30}, RowRangeRepartition.bounds(30, 4));
        assertArrayEquals(new long[] {0, 1, 2, 2, 2}, RowRangeRepartition.bounds(2, 4));
        long[] bounds = RowRangeRepartition.bounds(2, 4);
        assertEquals(0, RowRangeRepartition.RangePartitioner.rangeOf(bounds, 0));
        assertEquals(1, RowRangeRepartition.RangePartitioner.rangeOf(bounds, 1));
        assertEquals(2, new RowRangeRepartition.RangePartitioner(RowRangeRepartition.bounds(30, 4)).getPartition(16L));
    }
}
