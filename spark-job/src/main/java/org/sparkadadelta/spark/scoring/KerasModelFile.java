package org.sparkadadelta.spark.scoring;

import org.apache.hadoop.conf.Configuration;

/**
 * Where {@link TrainedModel#load} reads a Keras {@code .keras} file: the one place a Keras reader (model spec and
 * flat weights from the archive) plugs in. Until it does, such a path is refused with a message saying so.
 */
final class KerasModelFile {
    static final String EXTENSION = ".keras";

    private KerasModelFile() {
    }

    static TrainedModel load(String path, Configuration conf) {
        throw new IllegalArgumentException("Cannot load " + path + ": reading " + EXTENSION + " files is not "
                + "available in this build; give a job's output directory (weights.arrow + manifest.json)");
    }
}
