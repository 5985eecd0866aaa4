package org.sparkadadelta.spark.data;

import java.math.BigDecimal;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Arrow's numeric vectors read as floats, and which fields are numbers or lists of numbers. */
final class ArrowFloats {
    private ArrowFloats() {
    }

    /** Reads value {@code i} of one vector; call only where the value is not null. */
    interface Getter {
        float get(int i);
    }

    static boolean isNumber(Field f) {
        ArrowType t = f.getType();
        return f.getDictionary() == null && (t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint
                || t instanceof ArrowType.Decimal);
    }

    /** A {@code List} or {@code FixedSizeList} of numbers. */
    static boolean isNumberList(Field f) {
        ArrowType t = f.getType();
        return f.getDictionary() == null && (t instanceof ArrowType.List || t instanceof ArrowType.FixedSizeList)
                && isNumber(f.getChildren().get(0));
    }

    /** A field as the column rules see it. */
    static ColumnChoice.Column column(Field f) {
        ColumnChoice.Category category = isNumber(f) ? ColumnChoice.Category.NUMBER
                : isNumberList(f) ? ColumnChoice.Category.VECTOR : ColumnChoice.Category.OTHER;
        return new ColumnChoice.Column(f.getName(), category, typeName(f));
    }

    /** A vector of a field for which {@link #isNumber} holds. */
    static Getter getter(ValueVector v) {
        if (v instanceof Float4Vector f) {
            return f::get;
        }
        if (v instanceof Float8Vector d) {
            return i -> (float) d.get(i);
        }
        if (v instanceof FloatingPointVector f) {
            return i -> (float) f.getValueAsDouble(i);
        }
        if (v instanceof BaseIntVector b) {
            return i -> (float) b.getValueAsLong(i);
        }
        return i -> ((BigDecimal) v.getObject(i)).floatValue();
    }

    /** The values of a list vector's elements. */
    static ValueVector elements(BaseListVector list) {
        return list.getChildrenFromFields().get(0);
    }

    /** A field's type for messages, e.g. {@code List<FloatingPoint(SINGLE)>}. */
    static String typeName(Field f) {
        String t = f.getType().toString();
        return f.getChildren().isEmpty() ? t : t + "<" + typeName(f.getChildren().get(0)) + ">";
    }
}
