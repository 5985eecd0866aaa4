package org.sparkadadelta.spark.train;

import java.io.PrintStream;
import java.util.Map;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.callbacks.TrainingRun;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.history.StepRecord;
import org.sparkadadelta.spark.model.Network;

/** Where a run is: what its callbacks see, and what the loop advances after each step and epoch. */
final class RunState implements TrainingRun {
    private final Network network;
    private final Optimizer optimizer;
    private final TrainingData train;
    private final boolean validation;
    private final BatchSampler sampler;
    private final TrainingOptions options;
    private final DriverParameters params;
    private final PrintStream console;
    private final Map<Integer, Double> classWeight;
    private History history = new History();
    private long globalStep;
    private int epoch;
    private long stepInEpoch;
    private boolean stop;

    RunState(Network network, Optimizer optimizer, TrainingData train, boolean validation, BatchSampler sampler,
            TrainingOptions options, DriverParameters params, PrintStream console, Map<Integer, Double> classWeight) {
        this.console = console;
        this.classWeight = classWeight;
        this.network = network;
        this.optimizer = optimizer;
        this.train = train;
        this.validation = validation;
        this.sampler = sampler;
        this.options = options;
        this.params = params;
    }

    /** Continues at a saved position, with the history up to it. */
    void resumeAt(ResumePoint point) {
        globalStep = point.globalStep();
        epoch = point.epoch();
        stepInEpoch = point.stepInEpoch();
        // Checkpoints from before histories were saved have none: the history starts at the checkpoint.
        history = point.history().orElseGet(History::new);
    }

    /** Enters {@code next}: from its first step, unless it is the epoch a resumed run continues in. */
    void beginEpoch(int next) {
        if (next != epoch) {
            epoch = next;
            stepInEpoch = 0;
        }
    }

    void stepDone(StepRecord step) {
        history.add(step);
        globalStep++;
        stepInEpoch++;
    }

    void epochDone(EpochRecord record) {
        history.add(record);
    }

    DriverParameters parameters() {
        return params;
    }

    BatchSampler sampler() {
        return sampler;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public TrainingData trainingData() {
        return train;
    }

    @Override
    public long batchSize() {
        return sampler.batchSize();
    }

    @Override
    public long shuffleSeed() {
        return options.shuffleSeed();
    }

    @Override
    public Map<Integer, Double> classWeight() {
        return classWeight;
    }

    @Override
    public int epochs() {
        return options.epochs();
    }

    @Override
    public boolean hasValidation() {
        return validation;
    }

    @Override
    public long stepsPerEpoch() {
        return sampler.stepsPerEpoch();
    }

    @Override
    public long globalStep() {
        return globalStep;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long stepInEpoch() {
        return stepInEpoch;
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public float[] getWeights() {
        return params.snapshot();
    }

    @Override
    public void setWeights(float[] weights) {
        params.set(weights);
    }

    @Override
    public PrintStream console() {
        return console;
    }

    @Override
    public void stopTraining() {
        stop = true;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }
}
