package org.sparkadadelta.spark.data;

/**
 * A cheap content checksum of a dataset's rows in order, so that a resumed run can tell that it trains on
 * the same data as its checkpoint (not a cryptographic hash: it catches changed, moved or swapped rows, not
 * an adversary).
 *
 * <p>The choice: row {@code r} (global number) with content hash {@code c(r)} (its features' and label's
 * float bits, FNV-1a over 32-bit words, then SplitMix64's finaliser) adds {@code c(r) * P^r} to a sum mod
 * 2^64, {@code P} odd. A sum does not depend on how the rows are split into blocks or partitions, so
 * {@code data.partitions} and {@code data.block_rows} may change between a run and its resumption; the
 * power of {@code P} makes it depend on each row's position; and a partition's sum over rows numbered from
 * 0 becomes its sum over global numbers by one multiplication, {@link #shift}, so it can be computed in the
 * pass that caches the blocks, before the partitions' offsets are known.
 */
public final class DataChecksum {
    /** Odd, so that its powers are invertible mod 2^64 and never vanish. */
    private static final long P = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private DataChecksum() {
    }

    /** The block's rows' terms, numbered from {@link DenseBlock#firstRow()}. */
    public static long of(DenseBlock block) {
        float[] x = block.features();
        float[] y = block.labels();
        int cols = block.cols();
        long power = pow(block.firstRow());
        long sum = 0;
        for (int i = 0; i < block.rows(); i++) {
            long h = FNV_OFFSET;
            for (int j = i * cols, end = j + cols; j < end; j++) {
                h = (h ^ (Float.floatToRawIntBits(x[j]) & 0xFFFFFFFFL)) * FNV_PRIME;
            }
            h = (h ^ (Float.floatToRawIntBits(y[i]) & 0xFFFFFFFFL)) * FNV_PRIME;
            sum += finish(h) * power;
            power *= P;
        }
        return sum;
    }

    /** A sum over rows numbered from 0 as if they were numbered from {@code offset}. */
    public static long shift(long sum, long offset) {
        return sum * pow(offset);
    }

    /** As manifests show it: 16 hex digits. */
    public static String hex(long checksum) {
        return String.format("%016x", checksum);
    }

    /** P^n mod 2^64, by squaring. */
    private static long pow(long n) {
        long result = 1;
        long base = P;
        for (long e = n; e > 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }

    /** SplitMix64's finaliser: every input bit reaches every output bit. */
    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
