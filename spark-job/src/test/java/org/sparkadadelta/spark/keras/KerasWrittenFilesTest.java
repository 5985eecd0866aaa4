package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkadadelta.spark.keras.KerasPython.assertBits;
import static org.sparkadadelta.spark.keras.KerasPython.floats;
import static org.sparkadadelta.spark.keras.KerasPython.list;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * Files that real Keras 3.15.1 writes, read here exactly: small models trained 3 steps with each kind of
 * optimizer state (plain Adadelta; a LossScaleOptimizer in a Functional chain whose layer names are not in
 * chain order; EMA with overwrites and gradient accumulation under a schedule; a logistic regression), as
 * {@code .keras} and as {@code .weights.h5}: the architecture, every weight and every optimizer variable equal
 * Keras's in-memory values bit for bit, and the state restores into the optimizer built from the file's config.
 */
class KerasWrittenFilesTest {
    @TempDir
    Path dir;

    @Test
    void kerasFilesOfEveryOptimizerKindReadExactly() throws Exception {
        KerasPython.assumeKeras();
        KerasPython.run(dir, "flavours", dir.toString());
        Map<String, ModelSpec> expected = Map.of(
                "plain", new ModelSpec("mlp", new int[] {5}, 3),
                "lso", new ModelSpec("mlp", new int[] {5, 4}, 3),
                "ema_accumulation", new ModelSpec("mlp", new int[] {5}, 2),
                "logistic", new ModelSpec("logistic", null, 0));
        Configuration hadoop = new Configuration();
        for (Map.Entry<String, ModelSpec> e : expected.entrySet()) {
            String name = e.getKey();
            Map<String, KerasTensor> keras = KerasPython.read(dir.resolve(name + ".state.h5"));
            KerasModel archive = KerasFiles.read(dir.resolve(name + ".keras").toString(), hadoop);
            KerasModel weightsFile = KerasFiles.readWeights(dir.resolve(name + ".weights.h5").toString(),
                    e.getValue(), archive.optimizerConfig(), hadoop);
            for (KerasModel read : List.of(archive, weightsFile)) {
                String what = name + " from " + read.source();
                assertEquals(e.getValue(), read.model(), what);
                assertEquals(6, read.features(), what);
                List<KerasTensor> weights = list(keras, "weights");
                List<VariableSpec> vars = read.layout().variables();
                assertEquals(vars.size(), weights.size(), what);
                for (int i = 0; i < vars.size(); i++) {
                    VariableSpec v = vars.get(i);
                    assertBits(floats(weights.get(i)), Arrays.copyOfRange(read.weights(), v.offset(),
                            v.offset() + v.size()), what + " " + v.path());
                }
                List<KerasTensor> slots = list(keras, "optimizer");
                assertEquals(slots.stream().map(t -> t.withPath("x")).toList(),
                        read.optimizerVariables().stream().map(t -> t.withPath("x")).toList(), what);
                Optimizer optimizer = read.newOptimizer(m -> { });
                optimizer.build(read.variables());
                read.restoreOptimizerState(optimizer);
                assertEquals(slots.size(), optimizer.optimizerVariables().size(), what);
                for (int i = 0; i < slots.size(); i++) {
                    assertEquals(slots.get(i).withPath("x"),
                            KerasTensor.of(optimizer.optimizerVariables().get(i).variable()).withPath("x"),
                            what + ": restored " + optimizer.optimizerVariables().get(i).variable().path());
                }
            }
        }
    }
}
