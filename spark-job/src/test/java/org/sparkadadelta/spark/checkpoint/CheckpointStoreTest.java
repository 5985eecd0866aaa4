package org.sparkadadelta.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.output.HistoryCsv;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    private TrainingFixture run;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void train() {
        run = fixture(TrainingFixture.initialWeights());
    }

    private static TrainingFixture fixture(float[] weights) {
        return new TrainingFixture(weights, () -> Adadelta.builder().name("adadelta").learningRate(1.0).build());
    }

    private CheckpointStore store(int keep) throws IOException {
        return new CheckpointStore(dir.toString(), keep, new Configuration());
    }

    /** Saves checkpoints after each of {@code steps} steps, training in between. */
    private void saveAt(int keep, long... steps) throws IOException {
        try (CheckpointStore store = store(keep)) {
            long done = 0;
            for (long step : steps) {
                run.train((int) done, (int) step);
                done = step;
                store.save(run.capture(step));
            }
        }
    }

    private long loadNewest() throws IOException {
        try (CheckpointStore store = store(3)) {
            return store.loadNewestValid(warnings::add).orElseThrow().globalStep();
        }
    }

    private Path checkpoint(long step) {
        return dir.resolve(String.format("ckpt-%012d", step));
    }

    private Path stateFile(long step) {
        return checkpoint(step).resolve(StateArrowFile.FILE_NAME);
    }

    @Test
    void worksOnAnyHadoopFileSystemNotJustLocalPaths() throws IOException {
        // viewfs://ckpts/ is another Hadoop file system (a mount table), here over the temp dir: a store that
        // slipped into java.io paths, or built paths without the file system's scheme, would fail.
        Configuration conf = new Configuration();
        conf.set("fs.viewfs.mounttable.ckpts.link./runs", dir.toUri().toString());
        try (CheckpointStore store = new CheckpointStore("viewfs://ckpts/runs/job1", 2, conf)) {
            assertEquals("viewfs", store.root().toUri().getScheme());
            for (int step = 1; step <= 3; step++) {
                run.train(step - 1, step);
                store.save(run.capture(step));
            }
            CheckpointState newest = store.loadNewestValid(warnings::add).orElseThrow();
            assertEquals(3, newest.globalStep());
            assertArrayEquals(run.weights(), newest.weights());
        }
        try (Stream<Path> files = Files.list(dir.resolve("job1"))) {
            assertEquals(List.of("ckpt-000000000002", "ckpt-000000000003"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "written through the mount, keep 2");
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void keepsOnlyTheNewestCheckpointsAndNoCrcFiles() throws IOException {
        saveAt(2, 1, 2, 3, 4);
        try (CheckpointStore store = store(2)) {
            assertEquals(List.of(3L, 4L), store.steps());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted()
                    .toList();
            assertEquals(List.of("ckpt-000000000003/history_epochs.csv", "ckpt-000000000003/history_steps.csv",
                    "ckpt-000000000003/manifest.json", "ckpt-000000000003/state.arrow",
                    "ckpt-000000000004/history_epochs.csv", "ckpt-000000000004/history_steps.csv",
                    "ckpt-000000000004/manifest.json", "ckpt-000000000004/state.arrow"), names);
        }
    }

    @Test
    void writesAnArrowFileWithOneRowPerTensorInOrder() throws IOException {
        saveAt(1, 2);
        byte[] bytes = Files.readAllBytes(stateFile(2));
        try (RootAllocator allocator = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertEquals(List.of("kind", "path", "name", "role", "model_variable", "dtype", "shape", "values"),
                    root.getSchema().getFields().stream().map(f -> f.getName()).toList());
            assertTrue(reader.loadNextBatch());
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < root.getRowCount(); i++) {
                rows.add(root.getVector("kind").getObject(i) + " " + root.getVector("path").getObject(i));
            }
            List<String> expected = new ArrayList<>(List.of("weight dense/kernel", "weight dense/bias"));
            run.optimizer.optimizerVariables().forEach(v -> expected.add("optimizer " + v.variable().path()));
            assertEquals(8, expected.size());
            assertEquals(expected, rows);
        }
        String manifest = Files.readString(stateFile(2).resolveSibling(CheckpointManifest.FILE_NAME));
        assertTrue(manifest.contains("\"format\" : \"spark-adadelta-checkpoint\""), manifest);
        assertTrue(manifest.contains("\"size\" : " + bytes.length), manifest);
    }

    @Test
    void aTruncatedStateFileFallsBackToThePreviousCheckpoint() throws IOException {
        saveAt(3, 1, 2);
        try (RandomAccessFile f = new RandomAccessFile(stateFile(2).toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        assertEquals(1, loadNewest());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("ckpt-000000000002") && warnings.get(0).contains("size mismatch"),
                warnings.get(0));
    }

    @Test
    void aFlippedByteFallsBackToThePreviousCheckpoint() throws IOException {
        saveAt(3, 1, 2);
        float[] atStep1;
        try (CheckpointStore store = store(3)) {
            atStep1 = store.load(store.directory(1)).weights();
        }
        byte[] bytes = Files.readAllBytes(stateFile(2));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(stateFile(2), bytes);
        try (CheckpointStore store = store(3)) {
            CheckpointState loaded = store.loadNewestValid(warnings::add).orElseThrow();
            assertEquals(1, loaded.globalStep());
            assertArrayEquals(TrainingFixture.bits(atStep1), TrainingFixture.bits(loaded.weights()));
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("checksum mismatch: expected SHA-256 "), warnings.get(0));
    }

    @Test
    void aMissingOrBrokenManifestIsReportedAndSkipped() throws IOException {
        saveAt(3, 1, 2, 3);
        Files.delete(stateFile(3).resolveSibling(CheckpointManifest.FILE_NAME));
        Files.writeString(stateFile(2).resolveSibling(CheckpointManifest.FILE_NAME), "{ not json",
                StandardCharsets.UTF_8);
        assertEquals(1, loadNewest());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("ckpt-000000000003: no manifest.json"), warnings.get(0));
        assertTrue(warnings.get(1).contains("ckpt-000000000002: unreadable manifest.json"), warnings.get(1));
    }

    @Test
    void aChangedOrMissingHistoryFileFallsBackToThePreviousCheckpoint() throws IOException {
        saveAt(3, 1, 2, 3);
        Path steps = checkpoint(3).resolve(HistoryCsv.STEPS_FILE);
        // Still well-formed CSV of the same size: only the checksum can tell.
        Files.writeString(steps, Files.readString(steps).replace("0.3333333333333333", "0.3333333333333334"));
        Files.delete(checkpoint(2).resolve(HistoryCsv.EPOCHS_FILE));
        assertEquals(1, loadNewest());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(HistoryCsv.STEPS_FILE + ": checksum mismatch"), warnings.get(0));
        assertTrue(warnings.get(1).contains("ckpt-000000000002: no " + HistoryCsv.EPOCHS_FILE), warnings.get(1));
    }

    @Test
    void aVersion1CheckpointLoadsWithoutHistoryButAVersion2OneNeedsIt() throws IOException {
        saveAt(1, 4);
        Path manifestFile = checkpoint(4).resolve(CheckpointManifest.FILE_NAME);
        Map<String, Object> manifest = KerasJson.parse(Files.readString(manifestFile));
        manifest.remove("history");
        Files.writeString(manifestFile, KerasJson.write(manifest, true));
        try (CheckpointStore store = store(1)) {
            IOException e = assertThrows(IOException.class, () -> store.load(store.directory(4)));
            assertTrue(e.getMessage().contains("manifest entry 'history' is missing"), e.getMessage());

            manifest.put("format_version", 1);
            Files.writeString(manifestFile, KerasJson.write(manifest, true));
            Files.delete(checkpoint(4).resolve(HistoryCsv.STEPS_FILE));
            Files.delete(checkpoint(4).resolve(HistoryCsv.EPOCHS_FILE));
            CheckpointState old = store.load(store.directory(4));
            assertEquals(4, old.globalStep());
            assertArrayEquals(TrainingFixture.bits(run.weights()), TrainingFixture.bits(old.weights()));
            assertTrue(old.history().isEmpty());
        }
    }

    @Test
    void savingAStepAgainReplacesItsCheckpoint() throws IOException {
        saveAt(3, 1, 2);
        TrainingFixture other = fixture(new float[TrainingFixture.LAYOUT.size()]);
        other.train(0, 2);
        try (CheckpointStore store = store(3)) {
            assertFalse(Arrays.equals(TrainingFixture.bits(other.weights()),
                    TrainingFixture.bits(store.load(store.directory(2)).weights())));
            store.save(other.capture(2));
            assertArrayEquals(TrainingFixture.bits(other.weights()),
                    TrainingFixture.bits(store.loadNewestValid(warnings::add).orElseThrow().weights()));
        }
        assertEquals(List.of("ckpt-000000000001", "ckpt-000000000002"), entries(), "the replaced one is deleted");
    }

    @Test
    void leftoversOfCrashedSavesAreIgnoredThenDeletedByTheNextStoresSave() throws IOException {
        saveAt(3, 1, 2);
        Path leftover = Files.createDirectories(dir.resolve("ckpt-000000000009._tmp-deadbeef"));
        Files.writeString(leftover.resolve(StateArrowFile.FILE_NAME), "partial");
        // A re-save of step 2 that crashed between its two renames: the complete old one is set aside.
        Files.move(checkpoint(2), dir.resolve("ckpt-000000000002._old-0badcafe"));
        Files.createDirectories(dir.resolve("ckpt-000000000002.backup"));
        Files.writeString(dir.resolve("notes.txt"), "not the store's");
        try (CheckpointStore store = store(3)) {
            assertEquals(List.of(1L), store.steps());
        }
        assertEquals(1, loadNewest());
        assertEquals(List.of(), warnings);

        run.train(2, 3);
        try (CheckpointStore store = store(3)) {
            store.save(run.capture(3));
        }
        assertEquals(List.of("ckpt-000000000001", "ckpt-000000000002.backup", "ckpt-000000000003", "notes.txt"),
                entries());
    }

    @Test
    void pruningNeverDeletesCheckpointsNewerThanTheStoresNewestSave() throws IOException {
        TrainingFixture other = fixture(new float[TrainingFixture.LAYOUT.size()]);
        other.train(0, 200);
        try (CheckpointStore store = store(3)) {
            store.save(other.capture(200));
        }
        saveAt(2, 1, 2, 3, 4);
        // Its own newest two are kept; the later checkpoint is not this store's to judge.
        assertEquals(List.of("ckpt-000000000003", "ckpt-000000000004", "ckpt-000000000200"), entries());
    }

    @Test
    void aCheckpointFoundCorruptIsNeverPrunedButAResaveOfItsStepReplacesIt() throws IOException {
        saveAt(5, 1, 2, 3, 4);
        Files.delete(stateFile(4));
        Files.writeString(stateFile(3), "damaged");
        try (CheckpointStore store = store(2)) {
            CheckpointStore.Search search = store.findNewestValid();
            assertEquals(2, search.newestValid().orElseThrow().globalStep());
            assertEquals(List.of("ckpt-000000000004", "ckpt-000000000003"),
                    search.corrupt().stream().map(c -> c.directory().getName()).toList());
            TrainingFixture resumed = fixture(TrainingFixture.initialWeights());
            resumed.train(0, 3);
            store.save(resumed.capture(3)); // re-creates step 3
            resumed.train(3, 5);
            store.save(resumed.capture(5));
            resumed.train(5, 6);
            store.save(resumed.capture(6));
        }
        assertEquals(List.of("ckpt-000000000004", "ckpt-000000000005", "ckpt-000000000006"), entries(),
                "the corrupt 4 is kept, the re-created 3 pruned like any older one");
        assertFalse(Files.exists(stateFile(4)), "untouched: still without its state file");
    }

    @Test
    void aCheckpointSetAsideByACrashedSaveIsListedAndRestored() throws IOException {
        saveAt(3, 1, 2);
        Files.move(checkpoint(2), dir.resolve("ckpt-000000000002._old-0badcafe"));
        Files.createDirectories(dir.resolve("ckpt-000000000001._old-12345678")); // its replacement is in place
        try (CheckpointStore store = store(3)) {
            assertEquals(List.of("ckpt-000000000001", "ckpt-000000000001._old-12345678",
                    "ckpt-000000000002._old-0badcafe"), store.checkpointNames());
            assertEquals(List.of("ckpt-000000000002"), store.restoreSetAside());
            assertEquals(2, store.findNewestValid().newestValid().orElseThrow().globalStep());
        }
        assertEquals(List.of("ckpt-000000000001", "ckpt-000000000001._old-12345678", "ckpt-000000000002"), entries());
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEmptyRootHasNoCheckpoint() throws IOException {
        try (CheckpointStore store = new CheckpointStore(dir.resolve("none").toString(), 1, new Configuration())) {
            assertEquals(List.of(), store.steps());
            assertTrue(store.loadNewestValid(warnings::add).isEmpty());
        }
    }
}
