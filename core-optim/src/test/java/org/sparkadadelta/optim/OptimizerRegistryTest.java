package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rebuilding optimizers by Keras class name, as {@code keras.optimizers.deserialize} looks them up. */
class OptimizerRegistryTest {
    private final List<String> warnings = new ArrayList<>();

    private Optimizer deserialize(Map<String, Object> serialized) {
        return OptimizerRegistry.deserialize(serialized, warnings::add);
    }

    @Test
    void classNamesMatchIgnoringCaseAndTheLossScaleAliasWorks() {
        Adadelta plain = assertInstanceOf(Adadelta.class,
                deserialize(Map.of("class_name", "adadelta", "config", Map.of("rho", 0.9))));
        assertEquals(0.9, plain.rho());
        LossScaleOptimizer lso = assertInstanceOf(LossScaleOptimizer.class, deserialize(Map.of(
                "class_name", "loss_scale_optimizer",
                "config", Map.of("inner_optimizer", Map.of("class_name", "Adadelta", "config", Map.of("epsilon", 1e-4)),
                        "initial_scale", 8.0))));
        assertEquals(8.0, lso.dynamicScale());
        assertEquals(1e-4, assertInstanceOf(Adadelta.class, lso.innerOptimizer()).epsilon());
        assertEquals(List.of(), warnings);
    }

    @Test
    void unknownAndMalformedEntriesAreRefusedNamingWhatIsKnown() {
        assertEquals(List.of("Adadelta", "LossScaleOptimizer"), OptimizerRegistry.classNames());
        assertEquals("Could not interpret optimizer identifier: Adam (supported: Adadelta, LossScaleOptimizer)",
                assertThrows(IllegalArgumentException.class,
                        () -> deserialize(Map.of("class_name", "Adam", "config", Map.of()))).getMessage());
        assertEquals("Serialized optimizer has no string `class_name`: {'config': {}}",
                assertThrows(IllegalArgumentException.class, () -> deserialize(Map.of("config", Map.of())))
                        .getMessage());
        assertEquals("Serialized optimizer Adadelta has no `config` object: None",
                assertThrows(IllegalArgumentException.class, () -> deserialize(Map.of("class_name", "Adadelta")))
                        .getMessage());
    }
}
