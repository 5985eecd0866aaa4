package org.sparkadadelta.spark.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a Zeppelin note ({@code .zpln}, Zeppelin 0.11's note JSON) paragraph by paragraph, in order, as
 * "Run all" does: {@code %spark} paragraphs (and those without an interpreter line, the note's default
 * {@code spark} group) go to the Scala interpreter; {@code %md} paragraphs are text for the reader and are
 * left as they are. Each run paragraph gets Zeppelin's {@code results} ({@code code}, {@code msg} of typed
 * messages) and {@code status}; the executed note is written even when a paragraph fails.
 */
public final class ZeppelinNote {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern INTERPRETER = Pattern.compile("^\\s*%([\\w.]+)\\s*");
    private static final DateTimeFormatter ZEPPELIN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private ZeppelinNote() {
    }

    /** Runs {@code note} with {@code spark} and writes the note with its results to {@code executed}. */
    public static void run(Path note, ZeppelinSparkInterpreter spark, Path executed) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(note.toFile());
        ArrayNode paragraphs = (ArrayNode) root.get("paragraphs");
        String name = note.getFileName().toString();
        NotebookFailure failure = null;
        for (int i = 0; i < paragraphs.size() && failure == null; i++) {
            ObjectNode p = (ObjectNode) paragraphs.get(i);
            String text = p.path("text").asText("");
            Matcher m = INTERPRETER.matcher(text);
            boolean named = m.find();
            String interpreter = named ? m.group(1) : "spark";
            String code = named ? text.substring(m.end()) : text;
            if (interpreter.equals("md")) {
                continue;
            }
            if (!interpreter.equals("spark") && !interpreter.equals("spark.spark")) {
                failure = new NotebookFailure(name, "paragraph", i + 1, "interpreter %" + interpreter
                        + " is not one the notebook suite runs (%spark, %md)");
                break;
            }
            p.put("dateStarted", LocalDateTime.now().format(ZEPPELIN_TIME));
            ZeppelinSparkInterpreter.Run run = spark.interpret(code);
            p.put("dateFinished", LocalDateTime.now().format(ZEPPELIN_TIME));
            p.put("status", run.success() ? "FINISHED" : "ERROR");
            ObjectNode results = p.putObject("results");
            results.put("code", run.success() ? "SUCCESS" : "ERROR");
            ArrayNode msg = results.putArray("msg");
            for (ZeppelinOutput.Message message : ZeppelinOutput.split(run.output())) {
                msg.addObject().put("type", message.type()).put("data", message.data());
            }
            if (!run.success()) {
                failure = new NotebookFailure(name, "paragraph", i + 1, run.output());
            }
        }
        Files.createDirectories(executed.getParent());
        JSON.writeValue(executed.toFile(), root);
        if (failure != null) {
            throw failure;
        }
    }

    /** The result messages of paragraph {@code number} (1-based) of an executed note, as type and data. */
    public static List<ZeppelinOutput.Message> results(Path executed, int number) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(executed.toFile());
        JsonNode msg = root.get("paragraphs").get(number - 1).path("results").path("msg");
        return msg.isMissingNode() ? List.of() : JSON.convertValue(msg,
                JSON.getTypeFactory().constructCollectionType(List.class, ZeppelinOutput.Message.class));
    }
}
