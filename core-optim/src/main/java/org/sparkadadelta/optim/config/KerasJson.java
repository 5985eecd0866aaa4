package org.sparkadadelta.optim.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Map;
import org.sparkadadelta.optim.python.PythonRepr;

/**
 * JSON text for Keras configs, numbers written as Python's {@code json.dumps} writes them: floats in
 * {@code repr} form ({@code 1e-07}, {@code 0.0010000000474974513}, {@code 32768.0}), integers without a
 * decimal point, and {@code NaN}/{@code Infinity} literals. Reading accepts those literals too.
 */
public final class KerasJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .registerModule(new SimpleModule("python-floats")
                    .addSerializer(Double.class, new PythonFloatSerializer())
                    .addSerializer(double.class, new PythonFloatSerializer()));

    private KerasJson() {
    }

    public static Map<String, Object> parse(String json) {
        try {
            return MAPPER.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Invalid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    public static String write(Object value) {
        return write(value, false);
    }

    public static String write(Object value, boolean pretty) {
        try {
            return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value)
                    : MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final class PythonFloatSerializer extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            double d = value;
            if (Double.isNaN(d)) {
                gen.writeRawValue("NaN");
            } else if (Double.isInfinite(d)) {
                gen.writeRawValue(d > 0 ? "Infinity" : "-Infinity");
            } else {
                gen.writeNumber(PythonRepr.floatRepr(d));
            }
        }
    }
}
