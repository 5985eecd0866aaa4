package org.sparkadadelta.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.LossScaleOptimizer;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.spark.history.History;

class CheckpointRoundTripTest {
    // Fixed names: a fresh optimizer must have the same variable paths as the saved one.
    private static final Supplier<Optimizer> ADADELTA = () -> Adadelta.builder().name("adadelta").learningRate(1.0)
            .useEma(true).gradientAccumulationSteps(2).build();
    private static final Supplier<Optimizer> LOSS_SCALED = () -> new LossScaleOptimizer(
            Adadelta.builder().name("adadelta").learningRate(1.0).build(), 8.0, 2, "loss_scale_optimizer");

    @TempDir
    Path dir;

    /** Trains 5 steps, checkpoints, resumes in fresh objects and checks both runs stay identical for 4 more. */
    private CheckpointState resumeAndCompare(Supplier<Optimizer> optimizer) throws IOException {
        TrainingFixture original = new TrainingFixture(TrainingFixture.initialWeights(), optimizer);
        original.train(0, 5);
        List<String> warnings = new ArrayList<>();
        CheckpointState loaded;
        try (CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration())) {
            store.save(original.capture(5));
            loaded = store.loadNewestValid(warnings::add).orElseThrow();
        }
        assertEquals(List.of(), warnings);
        // The resumed optimizer is rebuilt from the checkpoint's own Keras config, as a resuming job would.
        TrainingFixture resumed = new TrainingFixture(loaded.weights(),
                () -> OptimizerSerialization.deserialize(loaded.optimizerConfig()));
        loaded.restoreInto(resumed.optimizer);
        TrainingFixture.assertSameState(original, resumed);
        original.train(5, 9);
        resumed.train(5, 9);
        TrainingFixture.assertSameState(original, resumed);
        assertEquals(original.optimizer.rawIterations(), resumed.optimizer.rawIterations());
        assertEquals(KerasJson.write(OptimizerSerialization.serialize(original.optimizer)),
                KerasJson.write(loaded.optimizerConfig()));
        // Records compare doubles with Double.compare: the history reads back bit for bit, NaN included.
        History history = loaded.history().orElseThrow();
        assertEquals(5, history.steps().size());
        assertEquals(original.history.steps().subList(0, 5), history.steps());
        assertEquals(original.history.epochs().subList(0, 1), history.epochs());
        return loaded;
    }

    @Test
    void adadeltaWithEmaAndAccumulationResumesBitForBit() throws IOException {
        CheckpointState loaded = resumeAndCompare(ADADELTA);
        assertEquals(5, loaded.globalStep());
        assertEquals(1, loaded.epoch());
        assertEquals(2, loaded.stepInEpoch());
        assertEquals(TrainingFixture.SAMPLER, loaded.sampler());
        assertEquals(TrainingFixture.JOB, loaded.jobConfig());
        assertEquals(TrainingFixture.LAYOUT.variables(), loaded.layout().variables());
        List<String> roles = loaded.optimizerTensors().stream().map(SavedTensor::role).toList();
        assertTrue(roles.containsAll(List.of("iteration", "average", "gradient_accumulator", "accumulated_grad")),
                roles.toString());
        // 5 micro-steps with accumulation 2: the accumulators hold an unfinished step.
        assertEquals(5.0, tensor(loaded, "iteration").values()[0]);
    }

    @Test
    void lossScaleOptimizerResumesItsStepCounterAndDynamicScale() throws IOException {
        CheckpointState loaded = resumeAndCompare(LOSS_SCALED);
        // Growth every 2 finite steps from 8: after 5 steps the scale is 32 and the counter 1.
        assertEquals(32.0, tensor(loaded, "dynamic_scale").values()[0]);
        assertEquals(1.0, tensor(loaded, "step_counter").values()[0]);
        assertEquals("int32", tensor(loaded, "step_counter").dtype());
    }

    private static SavedTensor tensor(CheckpointState state, String role) {
        return state.optimizerTensors().stream().filter(t -> role.equals(t.role())).findFirst().orElseThrow();
    }

    @Test
    void restoringIntoAnotherLayoutNamesTheFirstMismatch() {
        TrainingFixture original = new TrainingFixture(TrainingFixture.initialWeights(), ADADELTA);
        original.train(0, 3);
        CheckpointState state = original.capture(3);
        Optimizer other = Adadelta.builder().name("adadelta").learningRate(1.0).useEma(true).build();
        // Same names, but the kernel is 3x3 and there is no bias.
        other.build(List.of(new Variable("kernel", "dense/kernel", Nd4j.zeros(DataType.FLOAT, 3, 3))));
        double before = other.optimizerVariables().get(0).variable().value().getDouble(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> state.restoreInto(other));
        assertEquals("The checkpoint does not match the optimizer at optimizer variable 2: checkpoint has "
                + "path=adadelta/dense_kernel_average, role=average, model_variable=dense/kernel, dtype=float32, "
                + "shape=[3, 2], optimizer has path=adadelta/dense_kernel_average, role=average, "
                + "model_variable=dense/kernel, dtype=float32, shape=[3, 3]", e.getMessage());
        OptimizerVariable iteration = other.optimizerVariables().get(0);
        assertEquals(before, iteration.variable().value().getDouble(0), "nothing restored");
        assertNotEquals(0.0, state.optimizerTensors().get(0).values()[0]);
    }

    @Test
    void aHistoryThatDoesNotEndAtTheCheckpointIsRefused() {
        TrainingFixture original = new TrainingFixture(TrainingFixture.initialWeights(), ADADELTA);
        original.train(0, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> original.capture(2));
        assertEquals("The history of the checkpoint at step 2 ends with step 2, not 1", e.getMessage());
    }

    @Test
    void restoringRequiresABuiltOptimizer() {
        TrainingFixture original = new TrainingFixture(TrainingFixture.initialWeights(), ADADELTA);
        assertThrows(IllegalStateException.class, () -> original.capture(0).restoreInto(ADADELTA.get()));
    }
}
