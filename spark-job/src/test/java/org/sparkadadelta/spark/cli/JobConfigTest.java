package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;

/** The shipped configs parse, overrides apply, and every kind of mistake is named precisely. */
class JobConfigTest {
    private static final Path FASHION = Path.of("../conf/fashion-mnist.json");

    @Test
    void theShippedFashionMnistConfigIsValid() {
        JobConfig c = JobConfig.load(FASHION, List.of());
        assertEquals("mlp", c.model().type());
        assertEquals(10, c.model().classes());
        assertEquals("idx", c.train().format());
        assertEquals("t10k", c.validation().options().get("split"));
        assertEquals(c.validation(), c.test());
        Optimizer opt = c.newOptimizer(m -> { });
        assertEquals(1.0, opt.learningRateValue(), "cosine decay starts at 1.0");
        assertEquals(0.95, ((Adadelta) opt).rho());
    }

    @Test
    void localModeStaysOnLoopbackAndAClusterMasterDoesNot() {
        SparkConf local = TrainMain.sparkConf(JobConfig.load(FASHION, List.of("spark.master=local[3]")));
        assertEquals("local[3]", local.get("spark.master"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        // On a cluster the executors must reach the driver: no loopback address is forced on it.
        SparkConf cluster = TrainMain.sparkConf(JobConfig.load(FASHION, List.of("spark.master=spark://10.1.2.3:7077")));
        assertEquals("spark://10.1.2.3:7077", cluster.get("spark.master"));
        assertFalse(cluster.contains("spark.driver.host"));
        // The config's own setting wins in local mode too.
        SparkConf chosen = TrainMain.sparkConf(JobConfig.load(FASHION, List.of("spark.master=local[2]",
                "spark.conf={\"spark.driver.host\": \"10.0.0.5\"}")));
        assertEquals("10.0.0.5", chosen.get("spark.driver.host"));
    }

    @Test
    void overridesReplaceValuesAndParseJson() {
        JobConfig c = JobConfig.load(FASHION, List.of("training.epochs=3", "model.hidden=[512,128]",
                "optimizer.config.learning_rate=0.5", "output.path=/tmp/x", "output.overwrite=true",
                "data.train.options.split=t10k"));
        assertEquals(3, c.training().epochs());
        assertEquals(List.of(512, 128), java.util.Arrays.stream(c.model().hidden()).boxed().toList());
        assertEquals((double) 0.5f, c.newOptimizer(m -> { }).learningRateValue());
        assertEquals("/tmp/x", c.outputPath());
        assertTrue(c.overwrite());
        assertEquals("t10k", c.train().options().get("split"));
    }

    @Test
    void unnamedOptimizersGetKerasDefaultNamesNotProcessWideNumbers() {
        String lso = "optimizer={\"class_name\": \"LossScaleOptimizer\", \"config\": {\"inner_optimizer\": "
                + "{\"class_name\": \"Adadelta\", \"config\": {}}}}";
        for (int i = 0; i < 2; i++) {
            JobConfig c = JobConfig.load(FASHION, List.of(lso));
            Optimizer opt = c.newOptimizer(m -> { });
            assertEquals("loss_scale_optimizer", opt.name());
            assertEquals("adadelta", ((org.sparkadadelta.optim.LossScaleOptimizer) opt).innerOptimizer().name());
        }
    }

    @Test
    void unknownKeysAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(FASHION, List.of("training.epoch=3")));
        assertTrue(e.getMessage().contains("training.epoch"), e.getMessage());
        assertTrue(e.getMessage().contains("epochs"), "lists the known keys: " + e.getMessage());
    }

    @Test
    void wrongTypesAndValuesAreNamed() {
        assertMessage("Config key 'training.epochs' must be an integer; got \"many\"", "training.epochs=many");
        assertMessage("training.epochs must be >= 1; got 0", "training.epochs=0");
        assertMessage("model.type must be one of linear, logistic, softmax, mlp; got 'cnn'", "model.type=cnn");
        assertMessage("Config key 'output.overwrite' must be true or false; got \"yes\"", "output.overwrite=yes");
        assertMessage("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set.",
                "optimizer.config.clipnorm=1.0", "optimizer.config.clipvalue=1.0");
        assertMessage("Unknown data format 'xls'", "data.train.format=xls");
    }

    @Test
    void aBrokenFileIsReportedWithItsName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"name\": ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.load(f, List.of()));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(dir.resolve("nope.json"), List.of()));
        assertTrue(missing.getMessage().contains("nope.json"), missing.getMessage());
    }

    private static void assertMessage(String expected, String... overrides) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(FASHION, List.of(overrides)));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
