package org.sparkadadelta.spark.data;

import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Closes a task's readers when the task ends, also when it fails or stops consuming a lazy iterator early
 * (a reader closes itself at its end too; closing twice must be harmless).
 */
final class TaskCleanup {
    private TaskCleanup() {
    }

    static <T extends AutoCloseable> T closeAtTaskEnd(T resource) {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) ctx -> {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot close " + resource, e);
                }
            });
        }
        return resource;
    }
}
