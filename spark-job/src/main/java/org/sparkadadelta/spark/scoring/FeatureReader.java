package org.sparkadadelta.spark.scoring;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.runtime.BoxedUnit;

/**
 * Copies one row's features into a float batch, from numeric columns or from one vector column ({@code ml} or
 * {@code mllib} vector, or array of numbers), as the training loader reads them. Checked on the driver; only
 * column indices travel to the tasks.
 */
final class FeatureReader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] names;
    private final int[] indices;
    private final boolean vector;
    private final int width;

    private FeatureReader(String[] names, int[] indices, boolean vector, int width) {
        this.names = names;
        this.indices = indices;
        this.vector = vector;
        this.width = width;
    }

    /**
     * @param numericCols the numeric feature columns, or empty to read the vector column {@code vectorCol}
     * @param width       the feature count the model expects
     */
    static FeatureReader of(StructType schema, List<String> numericCols, String vectorCol, int width) {
        String[] names = numericCols.isEmpty() ? new String[] {vectorCol} : numericCols.toArray(String[]::new);
        if (!numericCols.isEmpty() && names.length != width) {
            throw new IllegalArgumentException("The model was trained on " + width + " features, but "
                    + names.length + " feature columns are set: " + numericCols);
        }
        int[] indices = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            indices[i] = schema.fieldIndex(names[i]);
        }
        return new FeatureReader(names, indices, numericCols.isEmpty(), width);
    }

    /** Writes the row's features to {@code dst[offset ..< offset + width]}. */
    void read(Row row, float[] dst, int offset) {
        if (!vector) {
            for (int i = 0; i < indices.length; i++) {
                dst[offset + i] = ((Number) notNull(row, i)).floatValue();
            }
            return;
        }
        Object value = notNull(row, 0);
        if (value instanceof org.apache.spark.mllib.linalg.Vector v) {
            value = v.asML();
        }
        if (value instanceof Vector v) {
            checkWidth(v.size());
            // Only the stored entries: zeros are already in place for a sparse vector.
            Arrays.fill(dst, offset, offset + width, 0f);
            v.foreachActive((i, x) -> {
                dst[offset + (Integer) i] = ((Double) x).floatValue();
                return BoxedUnit.UNIT;
            });
            return;
        }
        List<Object> list = row.getList(indices[0]);
        checkWidth(list.size());
        for (int i = 0; i < width; i++) {
            Object x = list.get(i);
            if (x == null) {
                throw new IllegalArgumentException("Feature " + i + " of column '" + names[0] + "' is null");
            }
            dst[offset + i] = ((Number) x).floatValue();
        }
    }

    private Object notNull(Row row, int column) {
        Object value = row.get(indices[column]);
        if (value == null) {
            throw new IllegalArgumentException("Feature column '" + names[column] + "' is null in a row to predict");
        }
        return value;
    }

    private void checkWidth(int size) {
        if (size != width) {
            throw new IllegalArgumentException("Feature column '" + names[0] + "' holds " + size
                    + " features in a row to predict, but the model was trained on " + width);
        }
    }
}
