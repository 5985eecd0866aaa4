package org.sparkadadelta.spark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path parent;

    private Path target() {
        return parent.resolve("run");
    }

    /** Every file and directory below {@code dir}, relative, sorted. */
    static Set<String> tree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> withoutCrc(Set<String> names) {
        return names.stream().filter(n -> !n.endsWith(".crc")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void writeText(OutputDirectory out, String name, String text) throws IOException {
        out.write(name, s -> s.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void createOldOutput() throws IOException {
        Files.createDirectories(target());
        Files.writeString(target().resolve("old.txt"), "old");
    }

    @Test
    void commitsOnAnyHadoopFileSystemNotJustLocalPaths() throws IOException {
        // viewfs://out/ is another Hadoop file system (a mount table) over the temp dir.
        Configuration conf = new Configuration();
        conf.set("fs.viewfs.mounttable.out.link./results", parent.toUri().toString());
        createOldOutput();
        try (OutputDirectory out = OutputDirectory.create("viewfs://out/results/run", true, conf)) {
            assertEquals("viewfs", out.target().toUri().getScheme());
            writeText(out, "a.txt", "new");
            out.commit();
        }
        // viewfs creates its local target file system lazily, after checksums were turned off: Hadoop's
        // .crc side files appear there, harmless, and are not what this test is about.
        assertEquals(Set.of("_SUCCESS", "a.txt"), withoutCrc(tree(target())), "replaced only when complete");
        assertEquals("new", Files.readString(target().resolve("a.txt")));
        assertEquals(Set.of("run", "run/_SUCCESS", "run/a.txt"), withoutCrc(tree(parent)), "no temporary siblings");
    }

    @Test
    void refusesAnExistingTargetBeforeWritingAnything() throws IOException {
        createOldOutput();
        Set<String> before = tree(parent);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputDirectory.create(target().toString(), false, CONF));
        assertTrue(e.getMessage().contains(target().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("output.overwrite=true"), e.getMessage());
        assertEquals(before, tree(parent));
    }

    @Test
    void createWritesOnlyATemporarySibling() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            List<String> names = tree(parent).stream().filter(n -> !n.contains("/")).toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("run._tmp-"), names.toString());
            assertEquals(Set.of(OutputDirectory.OWNER), tree(parent.resolve(names.get(0))), "only its owner record");
            assertEquals(TempDirOwner.current().format(),
                    Files.readString(parent.resolve(names.get(0)).resolve(OutputDirectory.OWNER)));
        }
    }

    @Test
    void commitLeavesExactlyTheFilesAndSuccessAndNoTemporaryDirectory() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            writeText(out, "a.txt", "alpha");
            writeText(out, "sub/b.txt", "beta");
            assertFalse(Files.exists(target()), "nothing in place before commit");
            assertFalse(Files.exists(Path.of(out.tempDir().toUri()).resolve("_SUCCESS")), "_SUCCESS only on commit");
            out.commit();
        }
        assertEquals(Set.of("run", "run/_SUCCESS", "run/a.txt", "run/sub", "run/sub/b.txt"), tree(parent));
        assertEquals("alpha", Files.readString(target().resolve("a.txt")));
        assertEquals(0, Files.size(target().resolve("_SUCCESS")));
    }

    @Test
    void worksWithAFileUri() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toUri().toString(), false, CONF)) {
            writeText(out, "a.txt", "alpha");
            out.commit();
        }
        assertEquals(Set.of("run", "run/_SUCCESS", "run/a.txt"), tree(parent));
    }

    @Test
    void abortLeavesNothing() throws IOException {
        OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF);
        writeText(out, "a.txt", "alpha");
        out.abort();
        assertEquals(Set.of(), tree(parent));
        assertThrows(IllegalStateException.class, () -> out.open("b.txt"));
        out.close();
    }

    @Test
    void closeWithoutCommitLeavesNothing() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            writeText(out, "a.txt", "alpha");
        }
        assertEquals(Set.of(), tree(parent));
    }

    @Test
    void overwriteReplacesTheOldOutputOnlyOnCommit() throws IOException {
        createOldOutput();
        try (OutputDirectory out = OutputDirectory.create(target().toString(), true, CONF)) {
            writeText(out, "new.txt", "new");
            assertEquals("old", Files.readString(target().resolve("old.txt")), "old output intact until commit");
            out.commit();
        }
        assertEquals(Set.of("run", "run/_SUCCESS", "run/new.txt"), tree(parent));
    }

    @Test
    void overwriteThenAbortKeepsTheOldOutput() throws IOException {
        createOldOutput();
        try (OutputDirectory out = OutputDirectory.create(target().toString(), true, CONF)) {
            writeText(out, "new.txt", "new");
        }
        assertEquals(Set.of("run", "run/old.txt"), tree(parent));
    }

    @Test
    void aTargetCreatedDuringTheRunIsNotOverwrittenOrEntered() throws IOException {
        OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF);
        writeText(out, "a.txt", "alpha");
        createOldOutput();
        IllegalStateException e = assertThrows(IllegalStateException.class, out::commit);
        assertTrue(e.getMessage().contains("output.overwrite=true"), e.getMessage());
        assertEquals(Set.of("run", "run/old.txt"), tree(parent));
    }

    @Test
    void refusesNamesOutsideTheDirectoryAndWritingAFileTwice() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            assertThrows(IllegalArgumentException.class, () -> out.file("../escape.txt"));
            assertThrows(IllegalArgumentException.class, () -> out.file("/abs.txt"));
            writeText(out, "a.txt", "alpha");
            assertThrows(IOException.class, () -> writeText(out, "a.txt", "again"));
        }
    }

    @Test
    void crashedRunsTemporaryDirectoriesOfThisOutputAreRemovedAndLiveOrForeignOnesKept() throws Exception {
        // A process that has ended: its id is free (or reused by a process with another start time).
        Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(30, TimeUnit.SECONDS));
        TempDirOwner here = TempDirOwner.current();
        Path dead = temp("run._tmp-dead0001", new TempDirOwner(here.host(), ended.pid(), here.startMillis() + 1));
        Files.writeString(dead.resolve("weights.arrow"), "partial");
        Path live = temp("run._tmp-live0001", here);
        Path foreign = temp("run._tmp-else0001", new TempDirOwner("some-other-host", 1, 1));
        Path oldEmpty = Files.createDirectories(parent.resolve("run._tmp-old00001"));
        Files.setLastModifiedTime(oldEmpty, FileTime.fromMillis(0));
        Path oldWithFiles = Files.createDirectories(parent.resolve("run._tmp-old00002"));
        Files.writeString(oldWithFiles.resolve("a.txt"), "kept: nothing says whose it is");
        Files.setLastModifiedTime(oldWithFiles, FileTime.fromMillis(0));
        Path otherOutput = temp("run2._tmp-dead0002", new TempDirOwner(here.host(), ended.pid(), -1));
        Path oldOutput = Files.createDirectories(parent.resolve("run._old-00000001"));

        List<String> notices = new ArrayList<>();
        OutputDirectory.removeStaleTemporaries(target().toString(), CONF, notices::add);
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            assertFalse(Files.exists(dead), "the ended process's directory is removed");
            assertFalse(Files.exists(oldEmpty), "an empty ownerless directory from before this run is removed");
            for (Path kept : List.of(live, foreign, oldWithFiles, otherOutput, oldOutput)) {
                assertTrue(Files.exists(kept), kept + " is kept");
            }
            assertTrue(Files.exists(Path.of(out.tempDir().toUri())));
        }
        assertEquals(3, notices.size(), notices.toString());
        assertTrue(notices.contains("Removed the stale temporary output directory " + dead.toUri().toString()
                .replace("file:///", "file:/").replaceAll("/$", "") + " (left by process " + ended.pid() + " on "
                + here.host() + ", which is no longer running)"), notices.toString());
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("Removed the stale temporary output directory ")
                && n.endsWith("run._tmp-old00001 (empty, without an owner, and older than this run)")),
                notices.toString());
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("Kept ") && n.contains("run._tmp-else0001: it "
                + "belongs to process 1 on some-other-host, which may still be running")), notices.toString());
    }

    @Test
    void theOwnerRecordIsNotPartOfTheCommittedOutput() throws IOException {
        try (OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF)) {
            writeText(out, "a.txt", "alpha");
            out.commit();
        }
        assertEquals(Set.of("run", "run/_SUCCESS", "run/a.txt"), tree(parent));
    }

    private Path temp(String name, TempDirOwner owner) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Files.writeString(dir.resolve(OutputDirectory.OWNER), owner.format());
        return dir;
    }

    @Test
    void closeAfterCommitKeepsTheOutput() throws IOException {
        OutputDirectory out = OutputDirectory.create(target().toString(), false, CONF);
        out.commit();
        out.close();
        assertEquals(Set.of("run", "run/_SUCCESS"), tree(parent));
        assertThrows(IllegalStateException.class, out::commit);
    }
}
