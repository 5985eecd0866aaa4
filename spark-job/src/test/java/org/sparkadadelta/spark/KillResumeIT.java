package org.sparkadadelta.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.spark.Launcher.Run;

/**
 * The driver JVM is killed with SIGKILL part-way through a run and started again with {@code --resume}: the
 * final weights and every optimizer variable must equal those of an uninterrupted run bit for bit. Runs the
 * real launcher ({@code bin/spark-adadelta}) after packaging.
 */
class KillResumeIT {
    @TempDir
    Path dir;

    private static List<Path> temporaries(Run run) throws Exception {
        try (Stream<Path> siblings = Files.list(run.output().getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(run.output().getFileName() + "._tmp-"))
                    .toList();
        }
    }

    @Test
    void aKilledRunResumedFromItsCheckpointEndsLikeAnUninterruptedOne() throws Exception {
        Path config = JobInput.config(dir, 6000, 3, 2);
        Run full = Run.under(dir, "full");
        Launcher.runToCompletion(config, full, false, "");

        Run killed = Run.under(dir, "killed");
        Process p = Launcher.start(config, killed, false, "");
        Path marker = killed.checkpoints().resolve(String.format("ckpt-%012d", 100)).resolve("manifest.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.exists(marker) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the run ended before it could be killed:\n" + Launcher.tail(killed.log()));
        p.destroyForcibly(); // SIGKILL once step 100's checkpoint exists: no shutdown hooks, no cleanup
        p.waitFor(1, TimeUnit.MINUTES);
        Launcher.assertNoOutput(killed);

        assertEquals(1, temporaries(killed).size(), "SIGKILL leaves the run's temporary output directory");

        Launcher.runToCompletion(config, killed, true, "");
        Launcher.assertSameResult(full, killed);
        // The resumed run removed the killed driver's temporary directory, and said so.
        assertEquals(List.of(), temporaries(killed));
        assertTrue(Files.readString(killed.log()).contains("Removed the stale temporary output directory "),
                Launcher.tail(killed.log()));
    }
}
