package org.sparkadadelta.spark.callbacks;


import java.io.PrintStream;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.spark.data.TrainingData;
import org.sparkadadelta.spark.history.History;
import org.sparkadadelta.spark.model.Network;

/**
 * A training run as its callbacks see it (Keras's {@code self.model} in a callback): its position, its
 * history, the driver's weights, the optimizer, and a way to stop it ({@code model.stop_training = True}).
 */
public interface TrainingRun {
    Network network();

    Optimizer optimizer();

    TrainingData trainingData();

    /** Rows per step (the whole training data for full batch). */
    long batchSize();

    long shuffleSeed();

    /** Keras's {@code class_weight} of the run (empty without). */
    java.util.Map<Integer, Double> classWeight();

    int epochs();

    /** Whether each epoch ends with a validation pass (logging {@code val_loss} and {@code val_<metric>}). */
    boolean hasValidation();

    long stepsPerEpoch();

    /** Optimizer steps done so far. */
    long globalStep();

    /** The current epoch (0-based). */
    int epoch();

    /** Steps done in the current epoch ({@link #stepsPerEpoch()} once the epoch completed). */
    long stepInEpoch();

    History history();

    /** A copy of the driver's current weights, in the network's flat layout (Keras's {@code get_weights}). */
    float[] getWeights();

    /** Replaces the driver's weights (Keras's {@code set_weights}); the next step starts from them. */
    void setWeights(float[] weights);

    /** The learning rate the next step will use. */
    default double learningRate() {
        return optimizer().learningRateValue();
    }

    /**
     * Sets the optimizer's learning-rate variable, as assigning Keras's {@code optimizer.learning_rate} does;
     * refused, with Keras's message, when the optimizer was built with a schedule.
     */
    default void setLearningRate(double learningRate) {
        optimizer().setLearningRate(learningRate);
    }

    /** Where callbacks print (Keras's {@code print_msg}): the job's console. */
    PrintStream console();

    /** Ends training after the current step (Keras's {@code model.stop_training = True}). */
    void stopTraining();

    boolean stopRequested();
}
