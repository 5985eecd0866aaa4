package org.sparkadadelta.spark.scoring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkadadelta.spark.model.Network;

/**
 * A partition's rows with the prediction (and probability) columns appended, computed a batch of rows at a
 * time so that each layer is one pass over a block of rows rather than one call per row.
 */
final class PredictionIterator implements Iterator<Row> {
    static final int BATCH_ROWS = 1024;

    private final Iterator<Row> input;
    private final FeatureReader reader;
    private final Network network;
    private final Network.Weights weights;
    private final boolean withProbability;
    private final List<Row> batch = new ArrayList<>(BATCH_ROWS);
    private final float[] features;
    private float[] outputs;
    private int next;

    /** @param weights the flat parameters, unpacked once for the partition */
    PredictionIterator(Iterator<Row> input, FeatureReader reader, Network network, float[] weights,
            boolean withProbability) {
        this.input = input;
        this.reader = reader;
        this.network = network;
        this.weights = network.weights(weights);
        this.withProbability = withProbability;
        this.features = new float[BATCH_ROWS * network.inputs()];
    }

    @Override
    public boolean hasNext() {
        if (next == batch.size()) {
            fill();
        }
        return next < batch.size();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int i = next++;
        Row row = batch.get(i);
        Object[] values = new Object[row.length() + (withProbability ? 2 : 1)];
        for (int c = 0; c < row.length(); c++) {
            values[c] = row.get(c);
        }
        double[] p = Predictions.probabilities(network, outputs, i);
        values[row.length()] = Predictions.prediction(network, outputs, i, p);
        if (withProbability) {
            values[row.length() + 1] = Vectors.dense(p);
        }
        return RowFactory.create(values);
    }

    private void fill() {
        batch.clear();
        next = 0;
        while (batch.size() < BATCH_ROWS && input.hasNext()) {
            Row row = input.next();
            reader.read(row, features, batch.size() * network.inputs());
            batch.add(row);
        }
        outputs = network.predict(weights, features, batch.size());
    }
}
