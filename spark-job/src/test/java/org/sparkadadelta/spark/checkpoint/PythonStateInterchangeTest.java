package org.sparkadadelta.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.OptimizerVariable;
import org.sparkadadelta.spark.model.VariableSpec;

/**
 * The README's Python block, run by python3 with pyarrow and numpy, reads a checkpoint written here back
 * exactly: every weight under its Keras path and every optimizer variable in Keras's order, values, shapes
 * and dtypes bit for bit. Skipped (not passed) where python3 has no pyarrow.
 */
class PythonStateInterchangeTest {
    private static final Pattern PYTHON_BLOCK = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern STATE_PATH = Pattern.compile("load_state\\(\"[^\"]*state\\.arrow\"\\)");
    /** Appended to the README's block: prints what it loaded as JSON, floats in hex so nothing is rounded. */
    private static final String DUMP = String.join("\n", "",
            "import json",
            "def describe(a):",
            "    return {'dtype': str(a.dtype), 'shape': list(a.shape),",
            "            'values': [float(x).hex() for x in a.reshape(-1)]}",
            "print(json.dumps({'weights': {p: describe(a) for p, a in weights.items()},",
            "                  'slots': [dict(describe(a), path=p) for p, a in slots]}))", "");

    @TempDir
    Path dir;

    @Test
    void theReadmeSnippetLoadsACheckpointExactlyWithPyarrow() throws Exception {
        Assumptions.assumeTrue(run(List.of("python3", "-c", "import pyarrow, numpy")).exit == 0,
                "python3 with pyarrow and numpy is not available");
        TrainingFixture fixture = new TrainingFixture(TrainingFixture.initialWeights(),
                () -> Adadelta.builder().name("adadelta").learningRate(1.0).useEma(true)
                        .gradientAccumulationSteps(2).build());
        fixture.train(0, 5);
        Path stateFile;
        try (CheckpointStore store = new CheckpointStore(dir.resolve("ckpt").toString(), 1, new Configuration())) {
            stateFile = Path.of(store.save(fixture.capture(5)).toUri()).resolve(StateArrowFile.FILE_NAME);
        }

        Path script = Files.writeString(dir.resolve("load.py"), readmeBlock(stateFile) + DUMP);
        Result python = run(List.of("python3", script.toString()));
        assertEquals(0, python.exit, python.output);
        JsonNode loaded = new ObjectMapper().readTree(python.output);

        float[] weights = fixture.weights();
        JsonNode pyWeights = loaded.get("weights");
        assertEquals(TrainingFixture.LAYOUT.variables().size(), pyWeights.size(), pyWeights.toString());
        for (VariableSpec v : TrainingFixture.LAYOUT.variables()) {
            JsonNode t = pyWeights.get(v.path());
            assertEquals("float32", t.get("dtype").asText(), v.path());
            assertEquals(Arrays.stream(v.shape()).boxed().toList(), longs(t.get("shape")), v.path());
            double[] expected = new double[v.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = weights[v.offset() + i];
            }
            assertArrayEquals(expected, doubles(t.get("values")), v.path());
        }

        List<OptimizerVariable> slots = fixture.optimizer.optimizerVariables();
        JsonNode pySlots = loaded.get("slots");
        assertEquals(slots.size(), pySlots.size(), "optimizer variables");
        for (int i = 0; i < slots.size(); i++) {
            SavedTensor expected = SavedTensor.of(slots.get(i));
            JsonNode t = pySlots.get(i);
            assertEquals(expected.path(), t.get("path").asText(), "Keras order, variable " + i);
            assertEquals(expected.dtype(), t.get("dtype").asText(), expected.path());
            assertEquals(Arrays.stream(expected.shape()).boxed().toList(), longs(t.get("shape")), expected.path());
            assertArrayEquals(expected.values(), doubles(t.get("values")), expected.path());
        }
    }

    /** The README's Python block, reading {@code state} instead of its example path. */
    private static String readmeBlock(Path state) throws Exception {
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        Matcher block = PYTHON_BLOCK.matcher(readme);
        while (block.find()) {
            Matcher call = STATE_PATH.matcher(block.group(1));
            if (call.find()) {
                return call.replaceFirst(Matcher.quoteReplacement("load_state(\"" + state + "\")"));
            }
        }
        throw new AssertionError("README.md has no ```python block calling load_state(\"...state.arrow\")");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException noPython) {
            return new Result(-1, noPython.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "python3 did not finish");
        return new Result(p.exitValue(), out);
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static double[] doubles(JsonNode hexFloats) {
        double[] out = new double[hexFloats.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.parseDouble(hexFloats.get(i).asText());
        }
        return out;
    }
}
