package org.sparkadadelta.spark.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Where a run starts in its checkpoint directory, by rules that keep one directory to one run and never lose a
 * checkpoint:
 * <ul>
 * <li>a fresh run needs a directory without checkpoints (valid or not): its checkpoints would otherwise mix
 * with another run's, and pruning by step number would delete one run's for the other's;</li>
 * <li>{@code --resume} continues from the newest intact checkpoint, reporting the corrupt newer ones (which
 * are kept); with checkpoints present but none intact it refuses, naming each and what is wrong, rather than
 * start from scratch beside them; with no checkpoint at all it starts from scratch, and says so.</li>
 * </ul>
 * Nothing here deletes anything. Whether the checkpoint fits the run's setup is checked by the trainer
 * ({@link CheckpointState#requireSameSetup}), which knows the setup.
 */
public final class CheckpointStart {
    private CheckpointStart() {
    }

    /**
     * @param console where notes and warnings go, a line each
     * @return the state to resume from; empty to start from scratch
     * @throws IllegalArgumentException when the run must not start (the message says what to do)
     */
    public static Optional<CheckpointState> choose(CheckpointStore store, boolean resume, Consumer<String> console) {
        try {
            return resume ? resume(store, console) : fresh(store);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint.path " + store.root() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<CheckpointState> fresh(CheckpointStore store) throws IOException {
        List<String> existing = store.checkpointNames();
        if (!existing.isEmpty()) {
            throw new IllegalArgumentException("checkpoint.path " + store.root() + " already holds checkpoints ("
                    + abbreviated(existing) + "): continue that run with --resume, or set a new checkpoint.path");
        }
        return Optional.empty();
    }

    private static Optional<CheckpointState> resume(CheckpointStore store, Consumer<String> console)
            throws IOException {
        store.restoreSetAside().forEach(name -> console.accept("Restored checkpoint " + name
                + ", which a crashed save had set aside"));
        CheckpointStore.Search search = store.findNewestValid();
        if (search.newestValid().isEmpty()) {
            if (!search.corrupt().isEmpty()) {
                throw new IllegalArgumentException("cannot resume: no checkpoint under " + store.root()
                        + " is intact: " + search.corrupt().stream().map(Object::toString)
                        .collect(Collectors.joining("; ")) + "; nothing was deleted: repair or move them, or set "
                        + "a new checkpoint.path");
            }
            console.accept("No checkpoint under " + store.root() + ": starting from scratch");
            return Optional.empty();
        }
        search.corrupt().forEach(c -> console.accept("warning: skipping corrupt checkpoint " + c
                + " (kept for repair)"));
        CheckpointState state = search.newestValid().get();
        if (!state.fingerprint().complete()) {
            console.accept("warning: " + state.describe() + " predates setup fingerprints: only its optimizer "
                    + "config, batch size, shuffle seed and row count can be checked against this run, not its "
                    + "model or training data");
        }
        return Optional.of(state);
    }

    private static String abbreviated(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : names.size() + " of them, " + names.get(0) + " to " + names.get(names.size() - 1);
    }
}
