package org.sparkadadelta.spark.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes MNIST-style IDX files byte by byte: pixel (r, i) = (r * 7 + i) % 256, label r % 10. */
final class IdxFixtures {
    private IdxFixtures() {
    }

    static int pixel(int row, int i) {
        return (row * 7 + i) % 256;
    }

    static float[] scaledRow(int row, int pixels) {
        float[] x = new float[pixels];
        for (int i = 0; i < pixels; i++) {
            x[i] = pixel(row, i) / 255f;
        }
        return x;
    }

    /** Writes {@code <split>-images-idx3-ubyte[.gz]} and {@code <split>-labels-idx1-ubyte[.gz]} in dir. */
    static Path writePair(Path dir, String split, int count, int rows, int cols, boolean gzip) throws IOException {
        String suffix = gzip ? ".gz" : "";
        Path images = dir.resolve(split + "-images-idx3-ubyte" + suffix);
        try (DataOutputStream out = open(images, gzip)) {
            out.writeInt(IdxFile.UBYTE_IMAGES);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int r = 0; r < count; r++) {
                for (int i = 0; i < rows * cols; i++) {
                    out.writeByte(pixel(r, i));
                }
            }
        }
        writeLabels(dir.resolve(split + "-labels-idx1-ubyte" + suffix), IdxFile.UBYTE_LABELS, count, gzip);
        return images;
    }

    static void writeLabels(Path file, int magic, int count, boolean gzip) throws IOException {
        try (DataOutputStream out = open(file, gzip)) {
            out.writeInt(magic);
            out.writeInt(count);
            for (int r = 0; r < count; r++) {
                out.writeByte(r % 10);
            }
        }
    }

    private static DataOutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return new DataOutputStream(gzip ? new GZIPOutputStream(out) : out);
    }
}
