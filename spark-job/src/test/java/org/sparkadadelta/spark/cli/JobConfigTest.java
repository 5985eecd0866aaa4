package org.sparkadadelta.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.model.ModelType;

/** The shipped configs parse, overrides apply, and every kind of mistake is named precisely. */
class JobConfigTest {
    private static final Path FASHION = Path.of("../conf/fashion-mnist.json");

    @Test
    @SuppressWarnings("unchecked")
    void theShippedFashionMnistConfigIsValid() {
        JobConfig c = JobConfig.load(FASHION, List.of());
        assertEquals(ModelType.MLP, c.model().type());
        assertEquals(10, c.model().classes());
        assertEquals("idx", c.train().format());
        assertEquals(null, c.validation(), "validation is split off the training rows");
        assertEquals(0.1, c.validationSplit());
        assertEquals("t10k", c.test().options().get("split"));
        Optimizer opt = c.newOptimizer(m -> { });
        assertEquals(30.0, opt.learningRateValue(), "the warm-up starts at 30");
        assertEquals(0.85, ((Adadelta) opt).rho());
        assertEquals(1e-10, ((Adadelta) opt).epsilon());
        assertEquals(Adadelta.UpdateKernel.FUSED, ((Adadelta) opt).updateKernel());
        // The schedule spans the run: 14 epochs of ceil(54,000 / 1024) = 53 steps, warm-up and decay together.
        long stepsPerEpoch = (60_000 - 6_000 + c.training().batchSize() - 1) / c.training().batchSize();
        Map<String, Object> schedule = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                c.optimizer().get("config")).get("learning_rate")).get("config");
        long warmup = ((Number) schedule.get("warmup_steps")).longValue();
        assertEquals(c.training().epochs() * stepsPerEpoch, warmup + ((Number) schedule.get("decay_steps")).longValue());
        assertEquals(stepsPerEpoch, warmup, "one epoch of warm-up");
    }

    private static SparkConf sparkConf(SparkConf submitted, String sparkLocalIp, String... overrides) {
        return TrainMain.sparkConf(JobConfig.load(FASHION, List.of(overrides)), submitted, sparkLocalIp);
    }

    private static SparkConf noSubmit() {
        return new SparkConf(false);
    }

    @Test
    void localModeStaysOnLoopbackAndAClusterMasterDoesNot() {
        SparkConf local = sparkConf(noSubmit(), "127.0.0.1", "spark.master=local[3]");
        assertEquals("local[3]", local.get("spark.master"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        // On a cluster the executors must reach the driver: no loopback address is forced on it.
        SparkConf cluster = sparkConf(noSubmit(), null, "spark.master=spark://10.1.2.3:7077");
        assertEquals("spark://10.1.2.3:7077", cluster.get("spark.master"));
        assertFalse(cluster.contains("spark.driver.host"));
        // The config's own setting wins in local mode too.
        SparkConf chosen = sparkConf(noSubmit(), null, "spark.master=local[2]",
                "spark.conf={\"spark.driver.host\": \"10.0.0.5\"}");
        assertEquals("10.0.0.5", chosen.get("spark.driver.host"));
    }

    @Test
    void theConfigsMasterIsUsedUnlessSparkSubmitWasGivenOne() {
        // bin/spark-adadelta marks spark-submit's master as its default when the user gave none.
        SparkConf defaulted = noSubmit().set("spark.master", "local[*]").set(TrainMain.DEFAULT_MASTER_MARK, "true");
        assertEquals("local[1]", sparkConf(defaulted, "127.0.0.1", "spark.master=local[1]").get("spark.master"));
        SparkConf given = noSubmit().set("spark.master", "local[2]");
        assertEquals("local[2]", sparkConf(given, "127.0.0.1", "spark.master=local[1]").get("spark.master"));
        assertEquals("local[1]", sparkConf(noSubmit(), "127.0.0.1", "spark.master=local[1]").get("spark.master"));
    }

    @Test
    void theWebUiIsOnlyOnInLocalModeWhenItCanListenOnLoopback() {
        // Spark binds the UI to SPARK_LOCAL_IP, or to every interface: only a loopback one keeps it local.
        assertFalse(sparkConf(noSubmit(), "127.0.0.1", "spark.master=local[2]").contains("spark.ui.enabled"));
        assertFalse(sparkConf(noSubmit(), "::1", "spark.master=local[2]").contains("spark.ui.enabled"));
        assertEquals("false", sparkConf(noSubmit(), null, "spark.master=local[2]").get("spark.ui.enabled"));
        assertEquals("false", sparkConf(noSubmit(), "10.1.2.3", "spark.master=local[2]").get("spark.ui.enabled"));
        // Asked for explicitly, it is on (and listens everywhere: the user's choice).
        assertEquals("true", sparkConf(noSubmit().set("spark.ui.enabled", "true"), null, "spark.master=local[2]")
                .get("spark.ui.enabled"));
        // A cluster's driver keeps Spark's defaults.
        assertFalse(sparkConf(noSubmit(), null, "spark.master=spark://10.1.2.3:7077").contains("spark.ui.enabled"));
    }

    @Test
    void aClusterMasterFromTheConfigMovesTheDriverOffTheLaunchersLoopback() {
        SparkConf launched = noSubmit().set("spark.master", "local[*]").set(TrainMain.DEFAULT_MASTER_MARK, "true")
                .set(TrainMain.LOOPBACK_MARK, "true");
        SparkConf conf = sparkConf(launched, "127.0.0.1", "spark.master=spark://10.1.2.3:7077");
        assertEquals("spark://10.1.2.3:7077", conf.get("spark.master"));
        assertEquals("0.0.0.0", conf.get("spark.driver.bindAddress"));
        assertEquals(DriverAddress.ofThisHost(), conf.get("spark.driver.host"));
        // The user's own SPARK_LOCAL_IP=127.0.0.1 (no mark) is respected.
        assertFalse(sparkConf(noSubmit(), "127.0.0.1", "spark.master=spark://10.1.2.3:7077")
                .contains("spark.driver.bindAddress"));
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
    void theUpdateKernelComesFromTheConfigAlsoInsideALossScaleOptimizerAndStaysThere() {
        Adadelta.UpdateKernel processDefault = new Adadelta().updateKernel();
        JobConfig ops = JobConfig.load(FASHION, List.of("training.update_kernel=tensor_ops"));
        assertEquals(Adadelta.UpdateKernel.TENSOR_OPS, ((Adadelta) ops.newOptimizer(m -> { })).updateKernel());
        String lso = "optimizer={\"class_name\": \"LossScaleOptimizer\", \"config\": {\"inner_optimizer\": "
                + "{\"class_name\": \"Adadelta\", \"config\": {}}}}";
        JobConfig fused = JobConfig.load(FASHION, List.of("training.update_kernel=fused", lso));
        Optimizer opt = fused.newOptimizer(m -> { });
        assertEquals(Adadelta.UpdateKernel.FUSED,
                ((Adadelta) ((org.sparkadadelta.optim.LossScaleOptimizer) opt).innerOptimizer()).updateKernel());
        assertEquals(processDefault, new Adadelta().updateKernel(), "the config's choice leaked out of newOptimizer");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(FASHION, List.of("training.update_kernel=vector")));
        assertEquals("Config key 'training.update_kernel': expected \"tensor_ops\" or \"fused\", got \"vector\"",
                e.getMessage());
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
        assertEquals(ModelType.SOFTMAX, JobConfig.load(FASHION, List.of("model.type=softmax", "model.hidden=null"))
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

    @Test
    void anUnreadableConfigSaysWhy(@TempDir Path dir) throws Exception {
        assertEquals("Cannot read config file " + dir.resolve("nope.json") + ": no such file",
                loadError(dir.resolve("nope.json")));
        assertEquals("Cannot read config file " + dir + ": it is a directory", loadError(dir));
        Path locked = Files.writeString(dir.resolve("locked.json"), "{}");
        locked.toFile().setReadable(false);
        if (!Files.isReadable(locked)) { // root reads anything
            assertEquals("Cannot read config file " + locked + ": permission denied", loadError(locked));
        }
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\n  \"name\": \"x\",\n  \"data\": {,}\n}");
        String message = loadError(bad);
        assertTrue(message.startsWith("Config file " + bad + " is not valid JSON at line 3, column 12: "), message);
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        assertEquals("Config file " + list + " must hold a JSON object; got array", loadError(list));
        // A relative name is shown with the absolute path it resolved to, from the working directory.
        String relative = loadError(Path.of("no-such-dir/job.json"));
        assertEquals("Cannot read config file no-such-dir/job.json (" + Path.of("no-such-dir/job.json")
                .toAbsolutePath() + "): no such file", relative);
    }

    @Test
    void callbacksAreReadAsKerasSerializesThemAndCheckedBeforeSpark() {
        JobConfig c = JobConfig.load(FASHION, List.of("optimizer.config.learning_rate=0.5",
                "training.callbacks=[{\"module\": \"keras.callbacks\", \"class_name\": \"EarlyStopping\", "
                        + "\"config\": {\"monitor\": \"val_accuracy\", \"patience\": 2}, \"registered_name\": null},"
                        + "{\"class_name\": \"ReduceLROnPlateau\", \"config\": {\"factor\": 0.5}},"
                        + "{\"class_name\": \"CSVLogger\", \"config\": {\"filename\": \"log.csv\", \"append\": true}}]"));
        assertEquals(List.of("EarlyStopping", "ReduceLROnPlateau", "CSVLogger"),
                c.callbacks().stream().map(m -> m.get("class_name")).toList());
        assertEquals(c.callbacks(), JobConfig.load(FASHION, List.of("optimizer.config.learning_rate=0.5",
                "callbacks=" + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(c.callbacks())))
                .callbacks(), "top-level callbacks too");
        assertMessage("Config key 'training.callbacks[0]': class_name must be one of [EarlyStopping, ReduceLROnPlateau, "
                + "TerminateOnNaN, CSVLogger]; got 'EarlyStoping'",
                "training.callbacks=[{\"class_name\": \"EarlyStoping\", \"config\": {}}]");
        assertMessage("Config key 'training.callbacks[1]': EarlyStopping got unexpected keyword argument [patients]",
                "training.callbacks=[{\"class_name\": \"TerminateOnNaN\"}, "
                        + "{\"class_name\": \"EarlyStopping\", \"config\": {\"patients\": 3}}]");
        assertMessage("Config key 'training.callbacks[0]': Argument `patience` must be an integer >= 0. Received: "
                + "patience=-1", "training.callbacks=[{\"class_name\": \"EarlyStopping\", \"config\": {\"patience\": -1}}]");
        assertMessage("Config key 'training.callbacks[0]': ReduceLROnPlateau does not support a factor >= 1.0. Received "
                + "factor=2.0", "training.callbacks=[{\"class_name\": \"ReduceLROnPlateau\", \"config\": {\"factor\": 2}}]");
        assertMessage("Config key 'training.callbacks[0]': mode must be 'auto', 'min' or 'max'; got 'down'",
                "training.callbacks=[{\"class_name\": \"EarlyStopping\", \"config\": {\"mode\": \"down\"}}]");
        // The shipped config's learning rate is a CosineDecay: Keras cannot set a schedule's rate.
        assertMessage("Config key 'training.callbacks[0]': ReduceLROnPlateau sets the optimizer's learning rate, but "
                + "the optimizer has a schedule", "training.callbacks=[{\"class_name\": \"ReduceLROnPlateau\"}]");
    }

    @Test
    void aModelCheckpointCallbackIsTheCheckpointSection() {
        JobConfig c = JobConfig.load(FASHION, List.of("training.callbacks=[{\"class_name\": \"ModelCheckpoint\", "
                + "\"config\": {\"filepath\": \"ckpts\", \"save_freq\": 200, \"keep\": 2}}]"));
        assertEquals("ckpts", c.checkpointPath());
        assertEquals(200, c.checkpointEverySteps());
        assertEquals(2, c.checkpointKeep());
        assertEquals(List.of(), c.callbacks());
        JobConfig perEpoch = JobConfig.load(FASHION, List.of("training.callbacks=[{\"class_name\": "
                + "\"ModelCheckpoint\", \"config\": {\"filepath\": \"ckpts\"}}]"));
        assertEquals(0, perEpoch.checkpointEverySteps(), "save_freq defaults to 'epoch', as in Keras");
        assertMessage("a ModelCheckpoint callback both configure checkpoints", "checkpoint.path=ckpts",
                "training.callbacks=[{\"class_name\": \"ModelCheckpoint\", \"config\": {\"filepath\": \"c2\"}}]");
        assertMessage("`save_best_only` must be false", "training.callbacks=[{\"class_name\": \"ModelCheckpoint\", "
                + "\"config\": {\"filepath\": \"c\", \"save_best_only\": true}}]");
    }

    @Test
    void validationSplitAndClassWeightAreChecked() {
        assertMessage("Config key 'training.validation_split' must be a number >= 0 and < 1; got 1.5",
                "training.validation_split=1.5");
        assertMessage("'training.validation_split' and 'data.validation' exclude each other",
                "data.validation={\"format\": \"idx\", \"path\": \"/x\", \"options\": {\"split\": \"t10k\"}}");
        assertEquals(java.util.Map.of(0, 2.0, 3, 0.5), JobConfig.load(FASHION,
                List.of("training.class_weight={\"0\": 2, \"3\": 0.5}")).classWeight());
        assertMessage("Config key 'training.class_weight' must be an object mapping class indices to weights",
                "training.class_weight={\"cat\": 2}");
    }

    private static String loadError(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> JobConfig.load(file, List.of())).getMessage();
    }

    private static void assertMessage(String expected, String... overrides) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.load(FASHION, List.of(overrides)));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
