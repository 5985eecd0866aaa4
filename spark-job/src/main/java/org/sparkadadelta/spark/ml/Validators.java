package org.sparkadadelta.spark.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Predicate;
import org.sparkadadelta.optim.config.KerasJson;
import scala.Function1;

/** Param validators that {@code ParamValidators} lacks, as the serializable Scala functions Params hold. */
final class Validators {
    private Validators() {
    }

    /** A serializable predicate, so that params (and so stages) stay serializable. */
    @FunctionalInterface
    interface Check<T> extends Predicate<T>, Serializable {
    }

    static <T> Function1<T, Object> of(Check<T> check) {
        return (Function1<T, Object> & Serializable) value -> value != null && check.test(value);
    }

    static <T> Function1<T, Object> notNull() {
        return of(value -> true);
    }

    static Function1<String, Object> nonBlank() {
        return of(s -> !s.isBlank());
    }

    /** 0 (infer from the labels) or at least 2 classes. */
    static Function1<Object, Object> classCount() {
        return of(n -> (Integer) n == 0 || (Integer) n >= 2);
    }

    static Function1<int[], Object> positiveWidths() {
        return of(widths -> Arrays.stream(widths).allMatch(w -> w > 0));
    }

    /** A JSON list of objects (the full check, building each callback, happens in fit). */
    static Function1<String, Object> jsonObjectList() {
        return of(json -> {
            try {
                com.fasterxml.jackson.databind.JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(json);
                return list.isArray() && java.util.stream.StreamSupport.stream(list.spliterator(), false)
                        .allMatch(com.fasterxml.jackson.databind.JsonNode::isObject);
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    /** A JSON object naming a class (the full check, building the optimizer, happens in fit). */
    static Function1<String, Object> kerasObjectJson() {
        return of(json -> KerasJson.parse(json).get("class_name") instanceof String);
    }
}
