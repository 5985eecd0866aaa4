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
        assertMessage("Config key 'training.epochs' must be an integer >= 1 and <= 2147483647; got \"many\"",
                "training.epochs=many");
        assertMessage("Config key 'training.epochs' must be an integer >= 1 and <= 2147483647; got 0",
                "training.epochs=0");
        assertMessage("model.type must be one of linear, logistic, softmax, mlp; got 'cnn'", "model.type=cnn");
        assertMessage("Config key 'output.overwrite' must be true or false; got \"yes\"", "output.overwrite=yes");
        assertMessage("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set.",
                "optimizer.config.clipnorm=1.0", "optimizer.config.clipvalue=1.0");
        assertMessage("Unknown data format 'xls'", "data.train.format=xls");
    }

    @Test
    void settingsTheModelWouldIgnoreAreErrors() {
        assertMessage("Config key 'model.hidden' applies only to model.type mlp; a softmax model has no hidden "
                + "layers (got [64])", "model.type=softmax", "model.hidden=[64]");
        assertMessage("Config key 'model.hidden' applies only to model.type mlp; a linear model",
                "model.type=linear", "model.hidden=[64]", "model.classes=null");
        assertMessage("Config key 'model.classes' applies only to model.type softmax or mlp; a logistic model has "
                + "two classes, 0 and 1 (got 10)", "model.type=logistic", "model.hidden=[]");
        assertMessage("model.classes must be >= 2 for a softmax model; got 1", "model.type=softmax",
                "model.hidden=null", "model.classes=1");
        // What stays valid: softmax without hidden layers, linear without classes.
        assertEquals("softmax", JobConfig.load(FASHION, List.of("model.type=softmax", "model.hidden=null"))
                .model().type());
        assertEquals(0, JobConfig.load(FASHION, List.of("model.type=linear", "model.hidden=[]",
                "model.classes=null")).model().classes());
    }

    @Test
    void integersOutOfRangeAreErrorsNotWrappedOrClamped() {
        // 2^31 used to wrap to a negative int and 1e30 to saturate: both ran something else than asked.
        assertMessage("Config key 'training.epochs' must be an integer >= 1 and <= 2147483647; got 2147483648",
                "training.epochs=2147483648");
        assertMessage("Config key 'training.epochs' must be an integer >= 1 and <= 2147483647; got 1.0E30",
                "training.epochs=1e30");
        assertMessage("Config key 'training.epochs' must be an integer >= 1 and <= 2147483647; got 2.5",
                "training.epochs=2.5");
        assertMessage("Config key 'training.batch_size' must be an integer >= 0; got -1", "training.batch_size=-1");
        assertMessage("Config key 'training.tree_depth' must be an integer >= 1 and <= 2147483647; got 0",
                "training.tree_depth=0");
        assertMessage("Config key 'training.shuffle_seed' must be an integer; got 1.0E20",
                "training.shuffle_seed=1e20");
        assertMessage("Config key 'data.partitions' must be an integer >= 0 and <= 2147483647; got -2",
                "data.partitions=-2");
        assertMessage("Config key 'data.block_rows' must be an integer >= 1 and <= 2147483647; got 0",
                "data.block_rows=0");
        assertMessage("Config key 'data.train.num_features' must be an integer >= 0 and <= 2147483647; got -5",
                "data.train.num_features=-5");
        assertMessage("Config key 'checkpoint.every_steps' must be an integer >= 1; got 0",
                "checkpoint.every_steps=0");
        assertMessage("Config key 'checkpoint.keep' must be an integer >= 1 and <= 2147483647; got 0",
                "checkpoint.keep=0");
        assertMessage("Config key 'model.hidden' must be a list of integers; got [4294967552]",
                "model.hidden=[4294967552]");
        assertMessage("Config key 'model.classes' must be an integer >= 0 and <= 2147483647; got 4294967298",
                "model.classes=4294967298");
        // Still accepted: 0 = full batch, integral floats as Keras writes them.
        JobConfig c = JobConfig.load(FASHION, List.of("training.batch_size=0", "training.epochs=3.0"));
        assertEquals(0, c.training().batchSize());
        assertEquals(3, c.training().epochs());
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
