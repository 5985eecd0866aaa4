package org.sparkadadelta.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.SparkTestSession;

/**
 * Bad records found inside Spark tasks, by our checks or by Spark's own readers, are reported as the file and the
 * 1-based line (CSV, LibSVM) or row (Parquet) counted from the start of the file, also when Spark splits the file
 * among several tasks.
 */
class SparkTaskDataErrorsTest {
    private static final SparkSession SPARK = SparkTestSession.get();

    @TempDir
    Path dir;

    /** Runs {@code load} with Spark cutting files into parts of about 256 bytes, one task each. */
    private static DataFileException failsInSmallParts(Supplier<TrainingData> load) {
        String key = "spark.sql.files.maxPartitionBytes";
        SPARK.conf().set(key, "256");
        try {
            return assertThrows(DataFileException.class, load::get);
        } finally {
            SPARK.conf().unset(key);
        }
    }

    @Test
    void csvBadValueIsNamedByItsLineInTheFileWhateverPartReadIt() throws IOException {
        StringBuilder csv = new StringBuilder("label,a,b\n");
        for (int line = 2; line <= 200; line++) {
            csv.append(line % 17 == 0 ? "\n" : line == 151 ? "1,2,oops\n" : line % 2 + "," + line + ",0.25\n");
        }
        Path file = Files.writeString(dir.resolve("big.csv"), csv);
        assertTrue(Files.size(file) > 4 * 256, "the file must be split");
        DataFileException e = failsInSmallParts(() -> DataLoader.load(SPARK, DataSpec.of("csv", file.toString())));
        assertEquals(file.toUri() + ": line 151: bad value in column 'b' (expected a number, got 'oops')",
                e.getMessage());
    }

    @Test
    void csvRowWithMoreOrFewerColumnsThanTheHeader() throws IOException {
        Path more = Files.writeString(dir.resolve("more.csv"), "a,b,label\n1,2,0\n3,4,1,9\n5,6,1\n");
        assertEquals(more.toUri() + ": line 3: malformed CSV record (expected 3 columns [a, b, label], got 4 in "
                + "'3,4,1,9')", assertThrows(DataFileException.class,
                () -> DataLoader.load(SPARK, DataSpec.of("csv", more.toString()))).getMessage());
        Path fewer = Files.writeString(dir.resolve("fewer.csv"), "a;b;label\n1;2;0\n\n3;4\n");
        assertEquals(fewer.toUri() + ": line 4: malformed CSV record (expected 3 columns [a, b, label], got 2 in "
                + "'3;4')", assertThrows(DataFileException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("csv", fewer.toString()).withOption("sep", ";"))).getMessage());
    }

    @Test
    void libsvmIndexBeyondNumFeaturesIsNamedByItsLine() throws IOException {
        StringBuilder svm = new StringBuilder("# label index:value ...\n");
        for (int line = 2; line <= 120; line++) {
            svm.append(line == 97 ? "1 2:0.5 7:1\n" : line % 11 == 0 ? "   \n" : line % 3 + " 1:" + line + " 5:0.5\n");
        }
        Path file = Files.writeString(dir.resolve("train.libsvm"), svm);
        DataFileException e = failsInSmallParts(() -> DataLoader.load(SPARK,
                DataSpec.of("libsvm", file.toString()).withNumFeatures(5)));
        assertEquals(file.toUri() + ": line 97: feature index 7 is beyond num_features (expected at most 5, got 7)",
                e.getMessage());
    }

    @Test
    void truncatedParquetFileIsNamed() throws IOException {
        Path table = dir.resolve("t.parquet");
        SPARK.range(0, 200).selectExpr("cast(id as double) as a", "cast(id % 2 as double) as label")
                .repartition(2).write().parquet(table.toString());
        Path[] parts;
        try (Stream<Path> files = Files.list(table)) {
            parts = files.filter(p -> p.toString().endsWith(".parquet")).sorted().toArray(Path[]::new);
        }
        try (Stream<Path> files = Files.list(table)) { // Hadoop's local checksums would report the cut first
            files.filter(p -> p.toString().endsWith(".crc")).forEach(p -> p.toFile().delete());
        }
        byte[] bytes = Files.readAllBytes(parts[1]);
        Files.write(parts[1], Arrays.copyOf(bytes, bytes.length / 2));
        DataFileException e = assertThrows(DataFileException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("parquet", table.toString()).withFeaturesCol(null)));
        assertEquals(parts[1].toUri().toString(), e.file());
        assertTrue(e.problem().startsWith("cannot read: the file is not a Parquet file. Expected magic number at tail"),
                e.getMessage());
    }

    @Test
    void parquetBadValueIsNamedByItsRowInTheFile() {
        for (String name : new String[] {"p1", "p2"}) {
            SPARK.range(0, 100).selectExpr("case when id = 77 and '" + name + "' = 'p2' then double('NaN') "
                    + "else cast(id as double) end as a", "cast(id % 2 as double) as label").coalesce(1).write()
                    .parquet(dir.resolve(name).toString());
        }
        DataFileException e = assertThrows(DataFileException.class, () -> DataLoader.load(SPARK,
                DataSpec.of("parquet", dir.resolve("p*").toString()).withFeaturesCol(null)));
        assertTrue(e.file().contains("/p2/part-"), e.getMessage());
        assertEquals("row 78", e.getMessage().substring(e.file().length() + 2, e.file().length() + 8), e.getMessage());
        assertEquals("feature 'a' is not a finite number (got NaN)", e.problem());
    }
}
