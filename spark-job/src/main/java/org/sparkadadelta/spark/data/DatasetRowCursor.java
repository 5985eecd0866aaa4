package org.sparkadadelta.spark.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Reads a partition of DataFrame rows laid out as {@link ColumnPlan#columns()} says, followed by the row's
 * file name. Only the row's index within the partition is known here, so errors are {@link LocalRowException}s.
 */
final class DatasetRowCursor implements RowCursor {
    /** Decimal numbers as CSV writes them; Java's parser alone would also take "1f", "0x1p3", "2d". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

    private final ColumnPlan plan;
    private final int partition;
    private final Iterator<Row> rows;
    private final int fileIndex;
    private Row row;
    private long localRow = -1;
    private Object vector;

    DatasetRowCursor(ColumnPlan plan, int partition, Iterator<Row> rows) {
        this.plan = plan;
        this.partition = partition;
        this.rows = rows;
        this.fileIndex = plan.columns().size();
    }

    @Override
    public boolean advance() {
        if (!rows.hasNext()) {
            return false;
        }
        row = rows.next();
        localRow++;
        vector = plan.choice().vector() ? vectorValue() : null;
        return true;
    }

    private Object vectorValue() {
        Object v = notNull(1);
        return switch (plan.kinds().get(1)) {
            case MLLIB_VECTOR -> ((org.apache.spark.mllib.linalg.Vector) v).asML();
            case ARRAY -> row.getList(1);
            default -> v;
        };
    }

    @Override
    public int cols() {
        if (!plan.choice().vector()) {
            return plan.columns().size() - 1;
        }
        return vector instanceof Vector v ? v.size() : ((List<?>) vector).size();
    }

    @Override
    public void readFeatures(float[] dst, int offset) {
        if (!plan.choice().vector()) {
            for (int i = 1; i < plan.columns().size(); i++) {
                dst[offset + i - 1] = number(notNull(i), i);
            }
        } else if (vector instanceof DenseVector d) {
            double[] x = d.values();
            for (int i = 0; i < x.length; i++) {
                dst[offset + i] = (float) x[i];
            }
        } else if (vector instanceof SparseVector s) {
            Arrays.fill(dst, offset, offset + s.size(), 0f);
            int[] at = s.indices();
            double[] x = s.values();
            for (int k = 0; k < at.length; k++) {
                dst[offset + at[k]] = (float) x[k];
            }
        } else {
            List<?> list = (List<?>) vector;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == null) {
                    throw error("feature " + featureName(i) + " is null");
                }
                dst[offset + i] = ((Number) list.get(i)).floatValue();
            }
        }
    }

    @Override
    public float label() {
        return number(notNull(0), 0);
    }

    @Override
    public String featureName(int index) {
        return plan.choice().featureName(index);
    }

    @Override
    public DataValidationException error(String problem) {
        return new LocalRowException(partition, localRow, row.getString(fileIndex), problem);
    }

    private Object notNull(int column) {
        Object v = row.get(column);
        if (v == null) {
            throw error("column '" + plan.columns().get(column) + "' is null");
        }
        return v;
    }

    private float number(Object v, int column) {
        if (v instanceof Number n) {
            return n.floatValue();
        }
        String text = v.toString().trim();
        if (!NUMBER.matcher(text).matches()) {
            throw error("column '" + plan.columns().get(column) + "' has non-numeric value '" + v + "'");
        }
        return Float.parseFloat(text);
    }
}
