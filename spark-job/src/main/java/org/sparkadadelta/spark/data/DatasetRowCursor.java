package org.sparkadadelta.spark.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Reads a partition of DataFrame rows laid out as {@link ColumnPlan#columns()} says, followed by the row's file
 * name, the byte its part of the file starts at and, for CSV, Spark's malformed-record text. Only the row's place
 * in the task's part of the file is known here, so errors are {@link LocalRowException}s; so are failures of
 * Spark's reader, which name the file being read.
 */
final class DatasetRowCursor implements RowCursor {
    /** Decimal numbers as CSV writes them; Java's parser alone would also take "1f", "0x1p3", "2d". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

    private final ColumnPlan plan;
    private final DatasetSource.CsvColumns csv;
    private final int partition;
    private final Iterator<Row> rows;
    private final int fileIndex;
    private Row row;
    private long localRow = -1;
    private String file = "";
    private long partStart = -1;
    private long indexInPart = -1;
    private Object vector;
    private final int weightAt;
    private final String weightCol;

    /**
     * @param csv      the CSV file's columns when rows carry Spark's malformed-record column, else null
     * @param weightAt the index of the sample-weight column in the rows, or -1 without one
     */
    DatasetRowCursor(ColumnPlan plan, DatasetSource.CsvColumns csv, int weightAt, String weightCol, int partition,
            Iterator<Row> rows) {
        this.weightAt = weightAt;
        this.weightCol = weightCol;
        this.plan = plan;
        this.csv = csv;
        this.partition = partition;
        this.rows = rows;
        this.fileIndex = plan.columns().size();
    }

    @Override
    public boolean advance() {
        try {
            if (!rows.hasNext()) {
                return false;
            }
            row = rows.next();
        } catch (DataValidationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw fileReadFailed() ? readFailure(e) : e;
        } catch (Exception e) { // Spark's undeclared checked SparkException
            throw fileReadFailed() ? readFailure(e) : new IllegalStateException(e);
        }
        localRow++;
        String rowFile = row.getString(fileIndex);
        long rowPart = row.getLong(fileIndex + 1);
        if (rowFile.equals(file) && rowPart == partStart) {
            indexInPart++;
        } else {
            file = rowFile;
            partStart = rowPart;
            indexInPart = 0;
        }
        if (csv != null && row.get(fileIndex + 2) != null) {
            throw malformed(row.getString(fileIndex + 2));
        }
        vector = plan.choice().vector() ? vectorValue() : null;
        return true;
    }

    /**
     * Whether the rows' computation failed in Spark's reader of a file: not in a DataFrame computed otherwise,
     * and not because Spark is killing the task (another task failed the job).
     */
    private static boolean fileReadFailed() {
        TaskContext task = TaskContext.get();
        return !SparkReadFailure.currentFile().isEmpty() && !(task != null && task.isInterrupted());
    }

    /** Spark's reader failed on the record after the last one it returned, or on opening the next file. */
    private DataValidationException readFailure(Exception e) {
        String f = SparkReadFailure.currentFile();
        long start = SparkReadFailure.currentPartStart();
        long index = f.equals(file) && start == partStart ? indexInPart + 1 : 0;
        return new LocalRowException(partition, localRow + 1, f, start, index, SparkReadFailure.problem(e, f), true, e);
    }

    private DataValidationException malformed(String text) {
        long separators = text.chars().filter(c -> c == csv.separator()).count();
        boolean plain = text.indexOf('"') < 0;
        String got = plain && separators + 1 != csv.names().size() ? separators + 1 + " in '" + text + "'"
                : "'" + text + "'";
        return error("malformed CSV record (expected " + csv.names().size() + " columns " + csv.names()
                + ", got " + got + ")");
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
    public boolean weighted() {
        return weightAt >= 0;
    }

    @Override
    public float weight() {
        Object v = row.get(weightAt);
        if (v == null) {
            throw error("column '" + weightCol + "' is null");
        }
        return parsed(v, weightCol);
    }

    @Override
    public String featureName(int index) {
        return plan.choice().featureName(index);
    }

    @Override
    public DataValidationException error(String problem) {
        return new LocalRowException(partition, localRow, file, partStart, indexInPart, problem, false, null);
    }

    private Object notNull(int column) {
        Object v = row.get(column);
        if (v == null) {
            throw error("column '" + plan.columns().get(column) + "' is null");
        }
        return v;
    }

    private float number(Object v, int column) {
        return parsed(v, plan.columns().get(column));
    }

    private float parsed(Object v, String column) {
        if (v instanceof Number n) {
            return n.floatValue();
        }
        String text = v.toString().trim();
        if (!NUMBER.matcher(text).matches()) {
            throw error("bad value in column '" + column + "' (expected a number, got '" + v + "')");
        }
        return Float.parseFloat(text);
    }
}
