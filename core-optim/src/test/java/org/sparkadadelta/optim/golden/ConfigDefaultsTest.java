package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.optim.schedules.Schedules;

/**
 * config_defaults.json: Keras's {@code serialize()} of default-constructed optimizers and schedules. Each
 * entry must survive deserialize, serialize, JSON text and parse unchanged, and our default-constructed
 * objects must serialize to exactly Keras's defaults.
 */
class ConfigDefaultsTest {
    private static final JsonNode DEFAULTS = GoldenFiles.read(GoldenFiles.sibling("config_defaults.json"));

    @TestFactory
    Stream<DynamicTest> everyEntryRoundTrips() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = DEFAULTS.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                tests.add(DynamicTest.dynamicTest(e.getKey(), () -> roundTrip(e.getValue())));
            }
        }
        assertTrue(tests.size() >= 9, "config_defaults.json lost entries: " + tests.size());
        return tests.stream();
    }

    private static void roundTrip(JsonNode serialized) throws IOException {
        Map<String, Object> map = GoldenFiles.toMap(serialized);
        Object rebuilt = Schedules.MODULE.equals(map.get("module")) ? Schedules.serialize(Schedules.deserialize(map))
                : OptimizerSerialization.serialize(OptimizerSerialization.deserialize(map));
        String text = KerasJson.write(rebuilt);
        assertEquals(serialized, GoldenFiles.MAPPER.readTree(text));
        // And back again from our own text.
        Object again = Schedules.MODULE.equals(map.get("module"))
                ? Schedules.serialize(Schedules.deserialize(KerasJson.parse(text)))
                : OptimizerSerialization.serialize(OptimizerSerialization.deserialize(KerasJson.parse(text)));
        assertEquals(text, KerasJson.write(again));
    }

    @Test
    void defaultAdadeltaSerializesToKerasDefaults() throws IOException {
        String ours = KerasJson.write(OptimizerSerialization.serialize(Adadelta.builder().name("adadelta").build()));
        assertEquals(DEFAULTS.path("Adadelta()"), GoldenFiles.MAPPER.readTree(ours));
        assertTrue(ours.contains("\"epsilon\":1e-07"), "floats are written as Python writes them: " + ours);
        assertTrue(ours.contains("\"learning_rate\":0.0010000000474974513"), ours);
    }

    @Test
    void defaultLossScaleOptimizerSerializesToKerasDefaults() throws IOException {
        LossScaleOptimizer lso = new LossScaleOptimizer(Adadelta.builder().name("adadelta").build(),
                LossScaleOptimizer.DEFAULT_INITIAL_SCALE, LossScaleOptimizer.DEFAULT_DYNAMIC_GROWTH_STEPS,
                "loss_scale_optimizer");
        String ours = KerasJson.write(OptimizerSerialization.serialize(lso));
        assertEquals(DEFAULTS.path("LossScaleOptimizer(Adadelta())"), GoldenFiles.MAPPER.readTree(ours));
    }
}
