package org.sparkadadelta.spark.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs a Jupyter notebook ({@code .ipynb}, nbformat 4) whose kernel is JJava's (language {@code java})
 * through a {@link JShellKernel}, code cell by code cell, and writes the executed copy with nbformat's
 * outputs ({@code stream}, {@code display_data} with {@code image/png}, {@code execute_result},
 * {@code error}) and execution counts, also when a cell fails.
 */
public final class JupyterNotebook {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JupyterNotebook() {
    }

    /** The notebook's kernel language ({@code metadata.kernelspec.language}), e.g. {@code java}, {@code python}. */
    public static String language(Path notebook) throws IOException {
        return JSON.readTree(notebook.toFile()).path("metadata").path("kernelspec").path("language").asText("");
    }

    public static void run(Path notebook, JShellKernel kernel, Path executed) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(notebook.toFile());
        String name = notebook.getFileName().toString();
        NotebookFailure failure = null;
        int count = 0;
        ArrayNode cells = (ArrayNode) root.get("cells");
        for (int i = 0; i < cells.size() && failure == null; i++) {
            ObjectNode cell = (ObjectNode) cells.get(i);
            if (!cell.path("cell_type").asText().equals("code")) {
                continue;
            }
            count++;
            JShellKernel.Cell run = kernel.execute(source(cell.get("source")));
            cell.put("execution_count", count);
            ArrayNode outputs = cell.putArray("outputs");
            for (CellOutput out : run.outputs()) {
                add(outputs, out, count);
            }
            if (!run.error().isEmpty()) {
                String[] lines = run.error().split("\n", 2);
                outputs.addObject().put("output_type", "error").put("ename", lines[0].split(":", 2)[0])
                        .put("evalue", lines[0]).putArray("traceback").add(run.error());
                failure = new NotebookFailure(name, "cell", i + 1, run.error());
            }
        }
        Files.createDirectories(executed.getParent());
        JSON.writeValue(executed.toFile(), root);
        if (failure != null) {
            throw failure;
        }
    }

    private static void add(ArrayNode outputs, CellOutput out, int count) {
        if (out instanceof CellOutput.Stream s) {
            outputs.addObject().put("output_type", "stream").put("name", "stdout").put("text", s.text());
        } else if (out instanceof CellOutput.Display d) {
            mime(outputs.addObject().put("output_type", "display_data"), d.data());
        } else if (out instanceof CellOutput.Value v) {
            mime(outputs.addObject().put("output_type", "execute_result").put("execution_count", count),
                    Map.of("text/plain", v.text()));
        }
    }

    private static void mime(ObjectNode output, Map<String, String> data) {
        ObjectNode d = output.putObject("data");
        data.forEach(d::put);
        output.putObject("metadata");
    }

    /** A cell's source: one string, or nbformat's list of lines. */
    private static String source(JsonNode source) {
        if (source.isArray()) {
            StringBuilder text = new StringBuilder();
            source.forEach(line -> text.append(line.asText()));
            return text.toString();
        }
        return source.asText();
    }
}
