package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.config.OptimizerSerialization;

/**
 * Replays every golden case in {@code -Dkeras.golden.dir} against our optimizer ({@link GoldenReplay}).
 * Non-schedule cases must agree bit for bit at every step (NaN, infinities and signed zeros included);
 * schedule cases are replayed with Keras's recorded learning rate injected, which must then also agree bit
 * for bit (the schedule values themselves are checked by ScheduleGoldenTest).
 * What each case exercises is decided from its contents, never from its name.
 */
class KerasParityTest {

    /**
     * The cases replay on the update kernel this test run asks for: the default one, or the fused one in
     * core-optim's second surefire execution ({@code -Dspark-adadelta.adadelta.kernel=fused}).
     */
    @Test
    void replaysOnTheKernelTheRunAsksFor() {
        Optimizer opt = OptimizerSerialization.deserialize(GoldenCase.load(GoldenFiles.caseFiles().get(0))
                .serializedConfig(), m -> { });
        boolean fused = "fused".equals(System.getProperty("spark-adadelta.adadelta.kernel"));
        assertEquals(fused ? Adadelta.UpdateKernel.FUSED : Adadelta.UpdateKernel.TENSOR_OPS,
                ((Adadelta) opt).updateKernel());
    }

    @TestFactory
    Stream<DynamicNode> everyGoldenCase() {
        return GoldenFiles.caseFiles().stream().map(file -> {
            GoldenCase c = GoldenCase.load(file);
            return DynamicContainer.dynamicContainer(c.name(), file.toUri(), Stream.of(
                    DynamicTest.dynamicTest(c.name() + ": trajectory", () -> GoldenReplay.replay(c)),
                    DynamicTest.dynamicTest(c.name() + ": config round trip", () -> GoldenReplay.configRoundTrip(c))));
        });
    }
}
