package org.sparkadadelta.spark.bench;

import java.util.Locale;

/**
 * The kernel gradient's transposing add ({@code DenseLayer}): a column-major product added into a row-major
 * gradient in square tiles, with the tile size a compile-time constant and read from a field, against a plain
 * sequential add of as many floats. Nanoseconds per element, one thread, rounds after a warm-up round.
 *
 * <p>Run: {@code BENCH_MAIN=TransposingAddBench bin/bench-step [cols] [rounds]} (rows 784, cols 256 by
 * default: the 784-256-10 MLP's first kernel).
 */
public final class TransposingAddBench {
    private static final int CONSTANT_TILE = 64;
    private static final int REPEATS = 40;

    private final int fieldTile;

    private TransposingAddBench(int tile) {
        this.fieldTile = tile;
    }

    public static void main(String[] args) {
        int rows = 784;
        int cols = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        float[] grad = new float[rows * cols];
        float[] product = new float[rows * cols];
        TransposingAddBench bench = new TransposingAddBench(CONSTANT_TILE);
        double n = (double) REPEATS * rows * cols;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < REPEATS; i++) {
                constantTile(grad, product, rows, cols);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < REPEATS; i++) {
                bench.fieldTile(grad, product, rows, cols);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < REPEATS; i++) {
                sequential(grad, product);
            }
            long t3 = System.nanoTime();
            if (round > 0) {
                System.out.printf(Locale.ROOT, "round %d %dx%d: constant tile %.2f ns/element, tile from a field "
                        + "%.2f, sequential add %.2f%n", round, rows, cols, (t1 - t0) / n, (t2 - t1) / n,
                        (t3 - t2) / n);
            }
        }
    }

    private static void constantTile(float[] grad, float[] product, int rows, int cols) {
        for (int r0 = 0; r0 < rows; r0 += CONSTANT_TILE) {
            int r1 = Math.min(r0 + CONSTANT_TILE, rows);
            for (int c0 = 0; c0 < cols; c0 += CONSTANT_TILE) {
                int c1 = Math.min(c0 + CONSTANT_TILE, cols);
                for (int r = r0; r < r1; r++) {
                    int row = r * cols;
                    for (int c = c0; c < c1; c++) {
                        grad[row + c] += product[c * rows + r];
                    }
                }
            }
        }
    }

    private void fieldTile(float[] grad, float[] product, int rows, int cols) {
        int tile = fieldTile;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int r1 = Math.min(r0 + tile, rows);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(c0 + tile, cols);
                for (int r = r0; r < r1; r++) {
                    int row = r * cols;
                    for (int c = c0; c < c1; c++) {
                        grad[row + c] += product[c * rows + r];
                    }
                }
            }
        }
    }

    private static void sequential(float[] grad, float[] product) {
        for (int i = 0; i < grad.length; i++) {
            grad[i] += product[i];
        }
    }
}
