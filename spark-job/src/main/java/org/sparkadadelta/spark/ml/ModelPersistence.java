package org.sparkadadelta.spark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.output.OptimizerState;
import org.sparkadadelta.spark.output.OutputDirectory;
import org.sparkadadelta.spark.output.RunOutputs;
import org.sparkadadelta.spark.output.RunResult;
import org.sparkadadelta.spark.scoring.TrainedModel;
import org.sparkadadelta.spark.history.History;

/**
 * Saving and loading {@link KerasAdadeltaModel} in the job's output format: the directory holds what a training
 * run writes ({@code weights.arrow}, {@code manifest.json}, histories, metrics, plots; written by
 * {@link RunOutputs}, complete or not at all) plus {@code metadata/}, Spark's own params metadata, so that a saved
 * {@code PipelineModel} finds the class and the stage gets its params back. A directory without
 * {@code metadata/} is a job's output: it loads with default params.
 */
final class ModelPersistence {
    private static final String METADATA = "metadata";

    private ModelPersistence() {
    }

    static final class Writer extends MLWriter {
        private final KerasAdadeltaModel model;

        Writer(KerasAdadeltaModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            TrainedModel trained = model.trainedModel();
            OptimizerState optimizer = trained.optimizer().orElseThrow(() -> new IllegalStateException(
                    "Cannot save " + model.uid() + ": its optimizer state is not known"));
            Network network = trained.network();
            Map<String, Object> dataset = new LinkedHashMap<>();
            dataset.put("train", Map.of("features", trained.numFeatures()));
            RunResult run = new RunResult(trained.name(), network.layout(), trained.weights(), model.history(),
                    optimizer, network.describe(), dataset, trained.metrics());
            try (OutputDirectory out = OutputDirectory.create(path, false, sc().hadoopConfiguration())) {
                RunOutputs.write(out, run);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot save the model to " + path + ": " + e.getMessage(), e);
            }
            DefaultParamsWriter.saveMetadata(model, new Path(path).toString(), sparkSession());
        }
    }

    static final class Reader extends MLReader<KerasAdadeltaModel> {
        @Override
        public KerasAdadeltaModel load(String path) {
            Configuration conf = sc().hadoopConfiguration();
            TrainedModel trained = TrainedModel.load(path, conf);
            Path metadataDir = new Path(path, METADATA);
            try {
                if (!metadataDir.getFileSystem(conf).exists(metadataDir)) {
                    return new KerasAdadeltaModel(trained);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + metadataDir + ": " + e.getMessage(), e);
            }
            Map<String, Object> metadata = KerasJson.parse(
                    sparkSession().read().textFile(metadataDir.toString()).first());
            if (!KerasAdadeltaModel.class.getName().equals(metadata.get("class"))) {
                throw new IllegalArgumentException(path + " holds a " + metadata.get("class") + ", not a "
                        + KerasAdadeltaModel.class.getName());
            }
            KerasAdadeltaModel model = new KerasAdadeltaModel((String) metadata.get("uid"), trained, new History());
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) metadata.get("paramMap");
            params.forEach((name, value) -> setParam(model, name, value));
            return model;
        }

        /** Sets a param from its value in Spark's metadata (its {@code jsonEncode} form, parsed). */
        private static void setParam(KerasAdadeltaModel model, String name, Object value) {
            Param<Object> param = model.getParam(name);
            model.set(param, param.jsonDecode(KerasJson.write(value)));
        }
    }
}
