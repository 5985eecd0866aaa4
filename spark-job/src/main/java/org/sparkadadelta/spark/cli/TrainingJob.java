package org.sparkadadelta.spark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.checkpoint.CheckpointStart;
import org.sparkadadelta.spark.checkpoint.CheckpointState;
import org.sparkadadelta.spark.checkpoint.CheckpointStore;
import org.sparkadadelta.spark.checkpoint.ModelCheckpoint;
import org.sparkadadelta.spark.callbacks.CallbackConfig;
import org.sparkadadelta.spark.data.DataLoader;
import org.sparkadadelta.spark.data.DataSpec;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.data.ValidationSplit;
import org.sparkadadelta.spark.keras.KerasModel;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.output.OptimizerState;
import org.sparkadadelta.spark.output.OutputDirectory;
import org.sparkadadelta.spark.output.Plots;
import org.sparkadadelta.spark.output.ProgressCallback;
import org.sparkadadelta.spark.output.RunOutputs;
import org.sparkadadelta.spark.output.RunResult;
import org.sparkadadelta.spark.train.ModelDataCheck;
import org.sparkadadelta.spark.train.SparkRecoveries;
import org.sparkadadelta.spark.train.Trainer;
import org.sparkadadelta.spark.train.TrainingResult;

/**
 * One configured training run, start to finish: claim the output directory (refusing to overwrite unless
 * asked), load and check the data, train, evaluate, and write the outputs, which appear only if the whole
 * run succeeds.
 */
public final class TrainingJob {
    private final SparkSession spark;
    private final JobConfig config;
    private final PrintStream console;

    public TrainingJob(SparkSession spark, JobConfig config, PrintStream console) {
        this.spark = spark;
        this.config = config;
        this.console = console;
    }

    /** Trains from scratch (writing checkpoints if configured). */
    public TrainingResult run() {
        return run(false);
    }

    /**
     * @param resume continue from the newest valid checkpoint under {@code checkpoint.path}, by the rules of
     *               {@link CheckpointStart}; a fresh run needs a checkpoint directory without checkpoints
     */
    public TrainingResult run(boolean resume) {
        try {
            InputOutputSeparation.require(config, spark.sparkContext().hadoopConfiguration());
            OutputDirectory.removeStaleTemporaries(config.outputPath(), spark.sparkContext().hadoopConfiguration(),
                    console::println);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the output directory " + config.outputPath() + ": "
                    + e.getMessage(), e);
        }
        try (OutputDirectory out = OutputDirectory.create(config.outputPath(), config.overwrite(),
                spark.sparkContext().hadoopConfiguration());
                SparkRecoveries recoveries = SparkRecoveries.register(spark.sparkContext());
                CheckpointStore store = openCheckpoints(resume)) {
            // Before the data is loaded: a refused start costs no Spark work.
            Optional<CheckpointState> state = store == null ? Optional.empty()
                    : CheckpointStart.choose(store, resume, console::println);
            state.ifPresent(this::announceResume);
            TrainingData train = load(config.train());
            TrainingData validation = config.validation() == null ? null : load(config.validation());
            if (config.validationSplit() > 0) { // as Keras's fit: the last rows, before any shuffling
                ValidationSplit split = ValidationSplit.of(train, config.validationSplit());
                train = split.train();
                validation = split.validation();
            }
            TrainingData test = config.test() == null ? null
                    : config.test().equals(config.validation()) ? validation : load(config.test());
            KerasModel initial = config.initFrom();
            if (initial != null && initial.features() != train.numFeatures()) {
                throw new IllegalArgumentException("The training data has " + train.numFeatures() + " features; the "
                        + "model in model.init_from " + initial.source() + " takes " + initial.features());
            }
            Network network = config.model().build(train.numFeatures());
            if (test != null && test != validation) {
                // Checked now, not after training: a test set the model cannot take would lose the trained result.
                ModelDataCheck.requireCompatible(network, test, "test data");
            }
            Optimizer optimizer = config.newOptimizer(message -> console.println("warning: " + message));
            console.printf("Training %s on %d rows (%s) with %s, %d epochs of batch %s%n", config.model(),
                    train.rows(), train.source(), optimizer.kerasClassName(), config.training().epochs(),
                    config.training().batchSize() <= 0 ? "full" : config.training().batchSize());
            Trainer trainer = new Trainer(JavaSparkContext.fromSparkContext(spark.sparkContext()), network, optimizer,
                    config.training()).classWeight(config.classWeight()).console(console);
            for (Map<String, Object> callback : config.callbacks()) {
                trainer.addCallback(CallbackConfig.deserialize(callback, Map.of()));
            }
            if (store != null) { // after the configured callbacks, so that it sees their stop
                trainer.addCallback(new ModelCheckpoint(store, config.checkpointEverySteps(),
                        Map.of("name", config.name())));
            }
            trainer.addCallback(new ProgressCallback(console, System.console() != null));
            TrainingResult result;
            if (state.isPresent()) {
                result = trainer.resume(train, validation, state.get());
            } else if (initial != null) {
                console.println("Starting from " + initial.source() + (initial.hasOptimizerState()
                        ? ": its weights and its optimizer's state" : ": its weights, the optimizer afresh"));
                result = trainer.fit(train, validation, initial.weights(),
                        initial.hasOptimizerState() ? initial::restoreOptimizerState : null);
            } else {
                result = trainer.fit(train, validation);
            }
            Map<String, Object> metrics = new LinkedHashMap<>(result.metrics());
            if (test != null) {
                metrics.putAll(trainer.evaluate(test, result.weights(), "test"));
            }
            metrics.put("failed_task_attempts", recoveries.failedTaskAttempts());
            metrics.put("executors_removed", recoveries.executorsRemoved());
            if (recoveries.failedTaskAttempts() > 0 || recoveries.executorsRemoved() > 0) {
                console.printf("Spark recovered from %d failed task attempts and %d lost executors%n",
                        recoveries.failedTaskAttempts(), recoveries.executorsRemoved());
            }
            RunOutputs.write(out, new RunResult(config.name(), network.layout(), result.weights(), result.history(),
                    OptimizerState.of(optimizer), network.describe(), datasetInfo(train, validation, test), metrics,
                    KerasModel.of(config.model(), train.numFeatures(), result.weights(), optimizer)));
            console.println(summary(metrics, network.loss().metric(), out.target()).text());
            return new TrainingResult(network, result.weights(), result.history(), optimizer, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the output directory " + config.outputPath() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The end-of-run summary, with the full paths of the committed output and the checkpoints. */
    private RunSummary summary(Map<String, Object> metrics, String metric, org.apache.hadoop.fs.Path output)
            throws IOException {
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        FileSystem fs = FileSystem.get(output.toUri(), hadoop); // the cached instance: not closed here
        List<String> plots = new ArrayList<>();
        for (String plot : List.of(Plots.LOSS_FILE, Plots.METRIC_FILE)) {
            if (fs.exists(new org.apache.hadoop.fs.Path(output, plot))) {
                plots.add(plot);
            }
        }
        String checkpoints = null;
        if (config.checkpointPath() != null) {
            org.apache.hadoop.fs.Path c = new org.apache.hadoop.fs.Path(config.checkpointPath());
            checkpoints = DisplayPath.of(c.getFileSystem(hadoop).makeQualified(c));
        }
        return new RunSummary(metrics, metric, DisplayPath.of(output), plots, checkpoints);
    }

    private void announceResume(CheckpointState state) {
        console.println("Resuming from the checkpoint of step " + state.globalStep());
        if (state.history().isEmpty()) {
            console.println("warning: the checkpoint of step " + state.globalStep() + " predates saved histories: "
                    + "the outputs' history starts after it"
                    + (state.stepInEpoch() > 0 ? " and the train loss of epoch " + (state.epoch() + 1)
                    + ", whose first " + state.stepInEpoch() + " steps it lacks, is NaN" : ""));
        }
    }

    /** The checkpoint store, or null without {@code checkpoint.path}. */
    private CheckpointStore openCheckpoints(boolean resume) throws IOException {
        if (config.checkpointPath() == null) {
            if (resume) {
                throw new IllegalArgumentException("--resume needs checkpoint.path in the config");
            }
            return null;
        }
        return new CheckpointStore(config.checkpointPath(), config.checkpointKeep(),
                spark.sparkContext().hadoopConfiguration());
    }

    private TrainingData load(DataSpec spec) {
        return DataLoader.load(spark, spec, config.partitions(), config.blockRows());
    }

    private static Map<String, Object> datasetInfo(TrainingData train, TrainingData validation, TrainingData test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train", describe(train));
        if (validation != null) {
            m.put("validation", describe(validation));
        }
        if (test != null) {
            m.put("test", describe(test));
        }
        return m;
    }

    private static Map<String, Object> describe(TrainingData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", d.source());
        m.put("rows", d.rows());
        m.put("features", d.numFeatures());
        m.put("partitions", d.blocks().getNumPartitions());
        return m;
    }
}
