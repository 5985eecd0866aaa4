package org.sparkadadelta.spark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * A test-only fault hook, off unless {@value #KEY} is set: it makes the first attempt of a chosen partition's
 * task at a chosen training step fail, or kills the executor JVM running it, after the task has done its
 * work, so that the tests can check that Spark's retries leave the result bit-identical.
 *
 * <p>The plan is a comma-separated list of {@code KIND:step=S:partition=P}, with {@code KIND} one of
 * {@code fail-task} and {@code kill-executor}, and {@code S} the 0-based global training step, e.g.
 * {@code --conf spark.adadelta.test.faults=fail-task:step=3:partition=1,kill-executor:step=9:partition=0}.
 * A task reads it from the job's local properties ({@code SparkContext.setLocalProperty}) or else from the
 * executor's Spark conf. Only attempt 0 of stage attempt 0 fires, so every retry runs clean.
 */
public final class InjectedFaults {
    /** The Spark setting (or driver-thread local property) that holds the plan. */
    public static final String KEY = "spark.adadelta.test.faults";

    /** What an injected fault does to its task. */
    public enum Kind {
        /** Throws from the task, which Spark counts as a failed attempt and retries. */
        FAIL_TASK,
        /** Halts the executor JVM, as a lost machine would; Spark reschedules its tasks and lost blocks. */
        KILL_EXECUTOR;

        static Kind parse(String s) {
            return switch (s) {
                case "fail-task" -> FAIL_TASK;
                case "kill-executor" -> KILL_EXECUTOR;
                default -> throw new IllegalArgumentException("unknown fault kind '" + s
                        + "': expected fail-task or kill-executor");
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One planned fault. */
    public record Fault(Kind kind, long step, int partition) {
        @Override
        public String toString() {
            return kind.label() + ":step=" + step + ":partition=" + partition;
        }
    }

    private final List<Fault> faults;

    private InjectedFaults(List<Fault> faults) {
        this.faults = List.copyOf(faults);
    }

    public List<Fault> faults() {
        return faults;
    }

    /** Parses a plan; a blank or null one plans nothing. */
    public static InjectedFaults parse(String plan) {
        List<Fault> faults = new ArrayList<>();
        if (plan != null && !plan.isBlank()) {
            for (String item : plan.split(",")) {
                faults.add(parseFault(item.trim(), plan));
            }
        }
        return new InjectedFaults(faults);
    }

    private static Fault parseFault(String item, String plan) {
        String[] parts = item.split(":");
        try {
            if (parts.length != 3 || !parts[1].startsWith("step=") || !parts[2].startsWith("partition=")) {
                throw new IllegalArgumentException("expected KIND:step=S:partition=P");
            }
            long step = Long.parseLong(parts[1].substring("step=".length()));
            int partition = Integer.parseInt(parts[2].substring("partition=".length()));
            if (step < 0 || partition < 0) {
                throw new IllegalArgumentException("step and partition must be >= 0");
            }
            return new Fault(Kind.parse(parts[0]), step, partition);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException(KEY + ": bad fault '" + item + "' in '" + plan + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Called by a task of training step {@code step} for {@code partition} once its work is done: fires the
     * fault planned there, if any, on the task's first attempt.
     */
    static void atEndOfTask(long step, int partition) {
        TaskContext task = TaskContext.get();
        if (task == null || task.attemptNumber() != 0 || task.stageAttemptNumber() != 0) {
            return;
        }
        String plan = task.getLocalProperty(KEY);
        if (plan == null && SparkEnv.get() != null) {
            plan = SparkEnv.get().conf().get(KEY, null);
        }
        if (plan == null) {
            return;
        }
        for (Fault f : parse(plan).faults) {
            if (f.step == step && f.partition == partition) {
                fire(f, SparkEnv.get() == null ? "?" : SparkEnv.get().executorId());
            }
        }
    }

    private static void fire(Fault f, String executorId) {
        String what = "injected fault " + f + " (" + KEY + ") in executor " + executorId + ", task attempt 0";
        if (f.kind == Kind.FAIL_TASK) {
            throw new InjectedFaultException(what);
        }
        if ("driver".equals(executorId)) {
            // In local mode the executor is the driver: halting it would end the run, not test a retry.
            throw new IllegalStateException(what + ": kill-executor needs a cluster, not a local master");
        }
        System.err.println("spark-adadelta: " + what + ": halting this executor JVM");
        System.err.flush();
        Runtime.getRuntime().halt(57);
    }

    /** The exception a {@code fail-task} fault throws. */
    public static final class InjectedFaultException extends RuntimeException {
        InjectedFaultException(String message) {
            super(message);
        }
    }
}
