package org.sparkadadelta.optim.golden;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkadadelta.optim.python.PythonNumbers;

/** Locates and reads the Keras golden files (cases directory, errors.json, config_defaults.json). */
public final class GoldenFiles {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PROPERTY = "keras.golden.dir";

    private GoldenFiles() {
    }

    /**
     * The cases directory: the {@code keras.golden.dir} system property (set by the parent pom) or, when
     * unset, {@code ../shared/keras-golden/cases} from the repo root, tried from the working directory and
     * its parents so that both the repo root and the module directory work. A missing directory fails the
     * test rather than silently skipping it.
     */
    public static Path casesDir() {
        String prop = System.getProperty(PROPERTY);
        List<Path> candidates = new ArrayList<>();
        Path cwd = Paths.get("").toAbsolutePath();
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop);
            if (p.isAbsolute()) {
                candidates.add(p);
            } else {
                for (Path base = cwd; base != null; base = base.getParent()) {
                    candidates.add(base.resolve(p));
                }
            }
        } else {
            candidates.add(cwd.resolve("../shared/keras-golden/cases"));
            candidates.add(cwd.resolve("../../shared/keras-golden/cases"));
        }
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c.normalize();
            }
        }
        return fail("Keras golden cases directory not found; set -D" + PROPERTY + "=... Tried: " + candidates);
    }

    /** Every {@code *.json} in the cases directory, sorted; fails when there is none. */
    public static List<Path> caseFiles() {
        Path dir = casesDir();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
            if (list.isEmpty()) {
                fail("No *.json golden cases in " + dir);
            }
            return list;
        } catch (IOException e) {
            return fail("Cannot list " + dir + ": " + e, e);
        }
    }

    /**
     * A file beside the cases directory, e.g. {@code errors.json}; when {@code keras.golden.dir} points at
     * another set of cases without one, the shipped {@code ../shared/keras-golden} copy is used.
     */
    public static Path sibling(String fileName) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(casesDir().getParent().resolve(fileName));
        Path cwd = Paths.get("").toAbsolutePath();
        candidates.add(cwd.resolve("../shared/keras-golden").resolve(fileName));
        candidates.add(cwd.resolve("../../shared/keras-golden").resolve(fileName));
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.normalize();
            }
        }
        return fail("Golden file " + fileName + " not found; tried " + candidates);
    }

    public static JsonNode read(Path p) {
        try {
            return MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            return fail("Cannot parse " + p + ": " + e, e);
        }
    }

    /** A JSON object as the plain Java map Jackson produces (Integer/Long/Double, List, LinkedHashMap). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode node) {
        return MAPPER.convertValue(node, LinkedHashMap.class);
    }

    /** Parses a golden number: a JSON number, or one of the strings "NaN", "Infinity", "-Infinity". */
    public static double number(JsonNode n) {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        Double special = n.isTextual() ? PythonNumbers.nonFinite(n.textValue()) : null;
        return special != null ? special : fail("Not a golden number: " + n);
    }

    /** Integers become {@link Long}, recursively, so that configs compare equal to {@code config()}. */
    public static Object normalise(Object o) {
        if (o instanceof Integer i) {
            return i.longValue();
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, normalise(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(normalise(v)));
            return out;
        }
        return o;
    }
}
