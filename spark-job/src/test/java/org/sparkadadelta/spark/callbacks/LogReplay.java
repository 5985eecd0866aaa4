package org.sparkadadelta.spark.callbacks;

import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.history.EpochRecord;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.model.Network;

/**
 * Feeds given epoch logs to callbacks as a training run would, without training: a real softmax network
 * (metric {@code accuracy}) and a real Adadelta, whose learning-rate variable the callbacks set, and weights
 * that change every epoch so that restoring can be seen. What Keras's callbacks decide on the same logs is
 * compared with this (the callbacks see nothing but the logs, the weights and the learning rate).
 */
final class LogReplay implements TrainingRun {
    private final Network network = Network.softmaxRegression(2, 2);
    private final Optimizer optimizer;
    private final boolean validation;
    private final History history = new History();
    private float[] weights = new float[network.layout().size()];
    private int epoch;
    private boolean stop;

    LogReplay(double learningRate, boolean validation) {
        this.optimizer = Adadelta.builder().learningRate(learningRate).build();
        this.validation = validation;
    }

    /** Runs the callbacks over the logs until one stops training; returns the learning rate after each epoch. */
    List<Double> replay(List<Callback> callbacks, List<Map<String, Double>> logs) {
        callbacks.forEach(c -> c.onTrainBegin(this));
        List<Double> rates = new java.util.ArrayList<>();
        for (epoch = 0; epoch < logs.size() && !stop; epoch++) {
            callbacks.forEach(c -> c.onEpochBegin(this, epoch));
            weights = new float[weights.length];
            java.util.Arrays.fill(weights, epoch); // the weights "after" this epoch: its number
            EpochRecord record = record(epoch, logs.get(epoch));
            history.add(record);
            callbacks.forEach(c -> c.onEpochEnd(this, record));
            rates.add(optimizer.learningRateValue());
        }
        callbacks.forEach(c -> c.onTrainEnd(this));
        return rates;
    }

    private EpochRecord record(int epoch, Map<String, Double> logs) {
        return new EpochRecord(epoch, logs.getOrDefault("loss", Double.NaN), logs.getOrDefault("accuracy",
                Double.NaN), logs.getOrDefault("val_loss", Double.NaN), logs.getOrDefault("val_accuracy", Double.NaN),
                optimizer.learningRateValue(), "accuracy", 0);
    }

    /** Epochs run. */
    int epochsRun() {
        return epoch;
    }

    float[] weights() {
        return weights.clone();
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
        return null;
    }

    @Override
    public long batchSize() {
        return 1;
    }

    @Override
    public long shuffleSeed() {
        return 0;
    }

    @Override
    public Map<Integer, Double> classWeight() {
        return Map.of();
    }

    @Override
    public int epochs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean hasValidation() {
        return validation;
    }

    @Override
    public long stepsPerEpoch() {
        return 1;
    }

    @Override
    public long globalStep() {
        return epoch;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long stepInEpoch() {
        return 1;
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public float[] getWeights() {
        return weights.clone();
    }

    @Override
    public void setWeights(float[] weights) {
        this.weights = weights.clone();
    }

    @Override
    public java.io.PrintStream console() {
        return System.out;
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
