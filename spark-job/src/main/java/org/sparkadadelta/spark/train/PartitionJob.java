package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.rdd.RDD;
import org.sparkadadelta.spark.data.DenseBlock;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * One Spark job over the cached blocks: every task turns its partition into one value, and the values are
 * combined with {@code treeAggregate}'s semantics (each partition's value merged into the others; the values
 * here fix their own combination order, see {@link PartitionTreeSum}).
 *
 * <p>When {@code treeAggregate} would merge every partition's value on the driver anyway (tree depth 1, or at
 * most 4 partitions, where no depth adds an executor-side level), the job is one {@code SparkContext.runJob}
 * with the task function as a named class. {@code treeAggregate} over {@code JavaRDD} hands Spark's closure
 * cleaner about seven Scala closures per job, and the cleaner reads and parses each one's enclosing class file
 * ({@code RDD}, {@code SparkContext}, ...) every time: on the driver's critical path, every training step.
 * With more partitions the tree runs as Spark builds it, so executors merge partial values and the driver
 * receives only the top of the tree.
 */
final class PartitionJob {
    /** What a task computes from its partition: index and blocks in, one value out. */
    @FunctionalInterface
    interface PartitionValue<T> extends Serializable {
        T of(int partition, java.util.Iterator<DenseBlock> blocks) throws Exception;
    }

    private PartitionJob() {
    }

    /** Whether {@code treeAggregate} at {@code depth} would merge all {@code partitions} values on the driver. */
    static boolean mergesOnDriver(int partitions, int depth) {
        return depth == 1 || partitions <= 4;
    }

    @SuppressWarnings("unchecked")
    static <T extends Serializable> T run(JavaRDD<DenseBlock> blocks, int depth, PartitionValue<T> value, T zero,
            Function2<T, T, T> merge) {
        int partitions = blocks.getNumPartitions();
        if (mergesOnDriver(partitions, depth)) {
            RDD<DenseBlock> rdd = blocks.rdd();
            ClassTag<T> anyRef = (ClassTag<T>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
            Object[] values = (Object[]) rdd.context().runJob(rdd, new Task<>(value), anyRef);
            T total = zero;
            for (Object v : values) {
                total = call(merge, total, (T) v);
            }
            return total;
        }
        return blocks.mapPartitionsWithIndex((index, it) -> List.of(value.of(index, it)).iterator(), false)
                .treeAggregate(zero, merge, merge, depth);
    }

    private static <T> T call(Function2<T, T, T> merge, T a, T b) {
        try {
            return merge.call(a, b);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // Spark's Function2 declares it; our merges throw none
            throw new IllegalStateException(e);
        }
    }

    /** The task function as a class of its own: the closure cleaner leaves everything but Scala closures alone. */
    private static final class Task<T> extends AbstractFunction2<TaskContext, scala.collection.Iterator<DenseBlock>, T>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionValue<T> value;

        Task(PartitionValue<T> value) {
            this.value = value;
        }

        @Override
        public T apply(TaskContext context, scala.collection.Iterator<DenseBlock> blocks) {
            try {
                return value.of(context.partitionId(), CollectionConverters.asJava(blocks));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
