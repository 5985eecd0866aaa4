package org.sparkadadelta.spark.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.SparkTestSession;
import org.sparkadadelta.spark.cli.ConfigTree;
import org.sparkadadelta.spark.cli.JobConfig;
import org.sparkadadelta.spark.cli.TrainingJob;
import org.sparkadadelta.spark.train.BatchSampler;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * What the tests against real Keras share: whether python3 has Keras 3.15.1 (skipped, not passed, without it),
 * running {@code src/test/python/keras_roundtrip.py}, reading its results, Fashion-MNIST subsets as IDX files
 * the job and Keras both read, the job's batch order, and running the job.
 */
final class KerasPython {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String FASHION = "/usr/share/datasets/fashion-mnist";
    private static final Path SCRIPT = Path.of("src/test/python/keras_roundtrip.py").toAbsolutePath();
    private static Boolean available;

    private KerasPython() {
    }

    static synchronized void assumeKeras() {
        if (available == null) {
            try {
                available = exec(List.of("python3", "-c",
                        "import keras, h5py, numpy, tensorflow; assert keras.__version__ == '3.15.1'"), 300) == 0;
            } catch (IOException e) {
                available = false;
            }
        }
        Assumptions.assumeTrue(available, "python3 with keras==3.15.1, tensorflow and h5py is not available "
                + "(pip install keras==3.15.1 tensorflow-cpu==2.21.0 h5py, as .ci/run does)");
        Assumptions.assumeTrue(Files.exists(Path.of(FASHION, "train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    /** Runs the script with {@code args}; fails with its output if it fails. */
    static void run(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        command.addAll(List.of(args));
        Path log = workDir.resolve("python-" + args[0] + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
        int exit = exec(pb, 600);
        if (exit != 0) {
            throw new AssertionError("keras_roundtrip.py " + String.join(" ", args) + " exited " + exit + ":\n"
                    + Files.readString(log));
        }
    }

    private static int exec(List<String> command, int seconds) throws IOException {
        return exec(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD), seconds);
    }

    private static int exec(ProcessBuilder pb, int seconds) throws IOException {
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python3 did not finish within " + seconds + " s: " + pb.command());
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Every dataset of a result file by its path without the leading slash, e.g. {@code after/weights/0}. */
    static Map<String, KerasTensor> read(Path h5) {
        Map<String, KerasTensor> out = new LinkedHashMap<>();
        try (HdfFile f = new HdfFile(h5)) {
            walk(f, out);
        }
        return out;
    }

    private static void walk(Group g, Map<String, KerasTensor> out) {
        for (Node n : g.getChildren().values()) {
            if (n instanceof Dataset d) {
                out.put(d.getPath().substring(1), WeightsH5.tensor(d, "result"));
            } else if (n instanceof Group child) {
                walk(child, out);
            }
        }
    }

    /** The numbered datasets under {@code group}, in order. */
    static List<KerasTensor> list(Map<String, KerasTensor> result, String group) {
        List<KerasTensor> out = new ArrayList<>();
        for (int i = 0; result.containsKey(group + "/" + i); i++) {
            out.add(result.get(group + "/" + i));
        }
        return out;
    }

    /** The first {@code rows} images and labels of a Fashion-MNIST split as uncompressed IDX files in {@code dir}. */
    static void fashionSubset(Path dir, String split, int rows) throws IOException {
        Files.createDirectories(dir);
        try (DataInputStream in = gz(split + "-images-idx3-ubyte.gz");
                DataOutputStream out = new DataOutputStream(Files.newOutputStream(
                        dir.resolve(split + "-images-idx3-ubyte")))) {
            int magic = in.readInt();
            in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            out.writeInt(magic);
            out.writeInt(rows);
            out.writeInt(h);
            out.writeInt(w);
            out.write(in.readNBytes(rows * h * w));
        }
        try (DataInputStream in = gz(split + "-labels-idx1-ubyte.gz");
                DataOutputStream out = new DataOutputStream(Files.newOutputStream(
                        dir.resolve(split + "-labels-idx1-ubyte")))) {
            out.writeInt(in.readInt());
            in.readInt();
            out.writeInt(rows);
            out.write(in.readNBytes(rows));
        }
    }

    private static DataInputStream gz(String name) throws IOException {
        InputStream in = Files.newInputStream(Path.of(FASHION, name));
        return new DataInputStream(new GZIPInputStream(in, 1 << 16));
    }

    /** Scaled features of the first {@code rows} images of a subset, row-major, as the job scales them. */
    static float[] features(Path dir, String split, int rows) throws IOException {
        byte[] raw = Files.readAllBytes(dir.resolve(split + "-images-idx3-ubyte"));
        int pixels = 784;
        float[] x = new float[rows * pixels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (raw[16 + i] & 0xff) / 255f;
        }
        return x;
    }

    /** The job's batches, epoch after epoch: per step, the row numbers in it (ascending). */
    static Path batches(Path file, long rows, long batchSize, long shuffleSeed, int epochs) throws IOException {
        BatchSampler sampler = new BatchSampler(rows, batchSize, shuffleSeed);
        List<List<Long>> steps = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            List<List<Long>> epoch = new ArrayList<>();
            for (long s = 0; s < sampler.stepsPerEpoch(); s++) {
                epoch.add(new ArrayList<>());
            }
            for (long r = 0; r < rows; r++) {
                epoch.get((int) sampler.stepOf(e, r)).add(r);
            }
            steps.addAll(epoch);
        }
        JSON.writeValue(file.toFile(), steps);
        return file;
    }

    /** Runs the job on a config (JSON text), with the console captured. */
    static TrainingResult runJob(String config, StringBuilder console) throws IOException {
        JobConfig c = JobConfig.from(ConfigTree.fromNode((ObjectNode) JSON.readTree(config), List.of()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            return new TrainingJob(SparkTestSession.get(), c, new PrintStream(bytes, true, StandardCharsets.UTF_8))
                    .run();
        } finally {
            console.append(bytes.toString(StandardCharsets.UTF_8));
        }
    }

    static String idxData(Path dir, String split) {
        return "{\"format\": \"idx\", \"path\": \"" + dir + "\", \"options\": {\"split\": \"" + split + "\"}}";
    }

    /**
     * Builds {@code from}'s optimizer on its weights, restores its saved state, applies Keras's gradients (the
     * datasets under {@code grads}) with core-optim, and checks the weights and every optimizer variable against
     * Keras's after the same step ({@code weights}, {@code optimizer}), bit for bit.
     */
    static void assertSameStep(KerasModel from, Map<String, KerasTensor> keras, String grads, String weights,
            String optimizer, String what) {
        List<Variable> vars = from.variables();
        Optimizer ours = from.newOptimizer(m -> { });
        ours.build(vars);
        from.restoreOptimizerState(ours);
        List<INDArray> gradients = new ArrayList<>();
        for (KerasTensor g : list(keras, grads)) {
            gradients.add(g.toArray(DataType.FLOAT));
        }
        ours.apply(gradients, vars);
        List<KerasTensor> kerasWeights = list(keras, weights);
        assertEquals(vars.size(), kerasWeights.size(), what);
        for (int i = 0; i < vars.size(); i++) {
            assertBits(floats(kerasWeights.get(i)), vars.get(i).value().dup('c').data().asFloat(),
                    what + ": " + vars.get(i).path());
        }
        List<KerasTensor> kerasSlots = list(keras, optimizer);
        assertEquals(kerasSlots.size(), ours.optimizerVariables().size(), what);
        for (int i = 0; i < kerasSlots.size(); i++) {
            assertEquals(kerasSlots.get(i).withPath("x"),
                    KerasTensor.of(ours.optimizerVariables().get(i).variable()).withPath("x"),
                    what + ": optimizer variable " + i + " " + ours.optimizerVariables().get(i).variable().path());
        }
    }

    /** Float arrays equal bit for bit (NaN payloads and signed zeros included). */
    static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " differs: " + expected[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ") vs " + actual[i] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
            }
        }
    }

    /** Float32 values of a float32 tensor. */
    static float[] floats(KerasTensor t) {
        return (float[]) t.values();
    }
}
