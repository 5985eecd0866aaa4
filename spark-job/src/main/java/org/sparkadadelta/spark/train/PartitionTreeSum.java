package org.sparkadadelta.spark.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.sparkadadelta.spark.model.GradientSum;

/**
 * Partition sums combined in a fixed binary tree over partition indices, whatever order Spark delivers them
 * in: the value of a node is always {@code left + right} of its two children, so the final float sums are
 * bit-identical from run to run and on any cluster with the same partitioning. (Float addition is not
 * associative; summing in arrival order would make every run differ in its last bits.)
 *
 * <p>A node at {@code level} k with {@code index} j covers partitions {@code [j*2^k, (j+1)*2^k)}. Nodes
 * wait here until their sibling arrives (or the sibling would cover no partition at all), then combine
 * into their parent. Use as the value of {@code treeAggregate}; any depth gives the same result.
 */
final class PartitionTreeSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    // key: level << 32 | index
    private final TreeMap<Long, GradientSum> nodes = new TreeMap<>();

    PartitionTreeSum(int partitions) {
        this.partitions = partitions;
    }

    /** Adds partition {@code index}'s own sum. */
    PartitionTreeSum add(int index, GradientSum sum) {
        insert(0, index, sum);
        return this;
    }

    /** Adds every node of {@code other} (which must come from the same partition count). */
    PartitionTreeSum merge(PartitionTreeSum other) {
        for (Map.Entry<Long, GradientSum> e : other.nodes.entrySet()) {
            insert((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue());
        }
        return this;
    }

    /** The sum over every partition; all of them must have been added. */
    GradientSum total() {
        int top = levels();
        GradientSum root = nodes.get(key(top, 0));
        if (root == null || nodes.size() != 1) {
            throw new IllegalStateException("Partition sums missing: have nodes " + nodes.keySet() + " of "
                    + partitions + " partitions");
        }
        return root;
    }

    private void insert(int level, int index, GradientSum sum) {
        int top = levels();
        while (level < top) {
            int siblingIndex = index ^ 1;
            long siblingKey = key(level, siblingIndex);
            boolean siblingEmpty = (long) siblingIndex << level >= partitions;
            if (!siblingEmpty && !nodes.containsKey(siblingKey)) {
                break;
            }
            GradientSum sibling = siblingEmpty ? null : nodes.remove(siblingKey);
            if (sibling != null) {
                GradientSum left = (index & 1) == 0 ? sum : sibling;
                GradientSum right = (index & 1) == 0 ? sibling : sum;
                sum = left.merge(right);
            }
            level++;
            index >>= 1;
        }
        if (nodes.put(key(level, index), sum) != null) {
            throw new IllegalStateException("Partition range " + level + "/" + index + " added twice");
        }
    }

    /** Levels of the tree: the smallest k with 2^k >= partitions. */
    private int levels() {
        return 32 - Integer.numberOfLeadingZeros(Math.max(partitions - 1, 0));
    }

    private static long key(int level, int index) {
        return ((long) level << 32) | index;
    }
}
