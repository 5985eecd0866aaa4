package org.sparkadadelta.spark.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.spark.model.ModelSpec;
import org.sparkadadelta.spark.output.WeightsFile;
import org.sparkadadelta.spark.history.History;

/**
 * Saving and loading {@link KerasAdadeltaModel}: {@code metadata/} is Spark's own params metadata (so a saved
 * {@code PipelineModel} finds the class), {@code data/model.json} describes the network and
 * {@code data/weights.arrow} holds the weights in the job's format (readable with pyarrow).
 */
final class ModelPersistence {
    static final String MODEL_FILE = "model.json";
    private static final String FORMAT = "spark-adadelta-ml-model";
    private static final int VERSION = 1;

    private ModelPersistence() {
    }

    static final class Writer extends MLWriter {
        private final KerasAdadeltaModel model;

        Writer(KerasAdadeltaModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            try {
                model.paramsWriter().session(sparkSession()).save(path);
                Path data = new Path(path, "data");
                FileSystem fs = data.getFileSystem(sc().hadoopConfiguration());
                try (OutputStream out = fs.create(new Path(data, MODEL_FILE), false)) {
                    out.write(KerasJson.write(describe(model), true).getBytes(StandardCharsets.UTF_8));
                }
                try (OutputStream out = fs.create(new Path(data, WeightsFile.FILE_NAME), false)) {
                    WeightsFile.write(out, model.network().layout(), model.weights());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot save the model to " + path + ": " + e.getMessage(), e);
            }
        }

        private static Map<String, Object> describe(KerasAdadeltaModel model) {
            ModelSpec spec = model.modelSpec();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("format_version", VERSION);
            m.put("model_type", spec.type());
            m.put("hidden", spec.hidden());
            m.put("classes", spec.classes());
            m.put("features", model.numFeatures());
            m.put("network", model.network().describe());
            m.put("optimizer", KerasJson.parse(model.optimizerConfigJson()));
            m.put("metrics", model.metrics());
            return m;
        }
    }

    static final class Reader extends MLReader<KerasAdadeltaModel> {
        @Override
        public KerasAdadeltaModel load(String path) {
            Configuration conf = sc().hadoopConfiguration();
            Map<String, Object> metadata = KerasJson.parse(
                    sparkSession().read().textFile(new Path(path, "metadata").toString()).first());
            if (!KerasAdadeltaModel.class.getName().equals(metadata.get("class"))) {
                throw new IllegalArgumentException(path + " holds a " + metadata.get("class") + ", not a "
                        + KerasAdadeltaModel.class.getName());
            }
            Path data = new Path(path, "data");
            Map<String, Object> m = readJson(new Path(data, MODEL_FILE), conf);
            if (!FORMAT.equals(m.get("format")) || !Integer.valueOf(VERSION).equals(m.get("format_version"))) {
                throw new IllegalArgumentException(data + "/" + MODEL_FILE + " is not a " + FORMAT + " file of version "
                        + VERSION + ": " + m.get("format") + " " + m.get("format_version"));
            }
            ModelSpec spec = new ModelSpec((String) m.get("model_type"), ints(m.get("hidden")),
                    ((Number) m.get("classes")).intValue());
            int features = ((Number) m.get("features")).intValue();
            try {
                float[] weights = WeightsFile.read(new Path(data, WeightsFile.FILE_NAME), conf,
                        spec.build(features).layout());
                @SuppressWarnings("unchecked")
                Map<String, Object> metrics = (Map<String, Object>) m.get("metrics");
                // JSON reads small counts as Integer; the trainer reports them as Long.
                metrics.replaceAll((k, v) -> v instanceof Integer i ? Long.valueOf(i) : v);
                KerasAdadeltaModel model = new KerasAdadeltaModel((String) metadata.get("uid"), spec, features,
                        weights, new History(), metrics, KerasJson.write(m.get("optimizer")));
                @SuppressWarnings("unchecked")
                Map<String, Object> params = (Map<String, Object>) metadata.get("paramMap");
                params.forEach((name, value) -> setParam(model, name, value));
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot load the model from " + path + ": " + e.getMessage(), e);
            }
        }

        /** Sets a param from its value in Spark's metadata (its {@code jsonEncode} form, parsed). */
        private static void setParam(KerasAdadeltaModel model, String name, Object value) {
            Param<Object> param = model.getParam(name);
            model.set(param, param.jsonDecode(KerasJson.write(value)));
        }

        private static Map<String, Object> readJson(Path file, Configuration conf) {
            try (InputStream in = file.getFileSystem(conf).open(file)) {
                return KerasJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private static int[] ints(Object list) {
            return ((List<?>) list).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
        }
    }
}
