package org.sparkadadelta.architecture;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Which of the project's packages use which, from the compiled classes (as {@code jdeps} sees them, so every
 * reference counts, imports or not). Package names are relative to {@value #PROJECT}: {@code optim.schedules},
 * {@code spark.train}.
 *
 * @param uses   package to the other project packages it uses
 * @param causes {@code "a -> b"} to the class-level references behind that package edge
 */
public record PackageGraph(Map<String, Set<String>> uses, Map<String, Set<String>> causes) {
    public static final String PROJECT = "org.sparkadadelta.";
    /** A {@code jdeps -verbose:class} dependency line: {@code   a.B   -> c.D   archive}. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S.*$");

    /** The graph of the classes under {@code classesDir} (a module's {@code target/classes}). */
    public static PackageGraph ofClasses(Path classesDir) {
        if (!Files.isDirectory(classesDir)) {
            throw new IllegalStateException("No compiled classes at " + classesDir.toAbsolutePath());
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("This JDK has no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), "-verbose:class",
                "-filter:none", classesDir.toString());
        if (status != 0) {
            throw new IllegalStateException("jdeps failed (" + status + "): " + err + out);
        }
        return ofClassEdges(out.toString().lines().toList());
    }

    /** The graph of {@code jdeps -verbose:class} output lines; references outside the project are ignored. */
    static PackageGraph ofClassEdges(List<String> jdepsLines) {
        Map<String, Set<String>> uses = new TreeMap<>();
        Map<String, Set<String>> causes = new TreeMap<>();
        for (String line : jdepsLines) {
            Matcher m = EDGE.matcher(line);
            if (!m.matches() || !m.group(1).startsWith(PROJECT)) {
                continue;
            }
            String from = packageOf(m.group(1));
            uses.computeIfAbsent(from, k -> new TreeSet<>());
            if (!m.group(2).startsWith(PROJECT)) {
                continue;
            }
            String to = packageOf(m.group(2));
            if (!to.equals(from)) {
                uses.get(from).add(to);
                causes.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>())
                        .add(simple(m.group(1)) + " -> " + simple(m.group(2)));
            }
        }
        return new PackageGraph(uses, causes);
    }

    private static String packageOf(String className) {
        return className.substring(PROJECT.length(), className.lastIndexOf('.'));
    }

    private static String simple(String className) {
        return className.substring(PROJECT.length());
    }

    /**
     * The package cycles: each strongly connected component of more than one package, as its sorted members
     * (Tarjan's algorithm).
     */
    public List<Set<String>> cycles() {
        return new Tarjan(uses).components.stream().filter(c -> c.size() > 1).toList();
    }

    /** The class references behind the package edge {@code from -> to}. */
    public Set<String> causes(String from, String to) {
        return causes.getOrDefault(from + " -> " + to, Set.of());
    }

    private static final class Tarjan {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new TreeMap<>();
        private final Map<String, Integer> low = new TreeMap<>();
        private final List<String> stack = new ArrayList<>();
        private final List<Set<String>> components = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
            for (String v : graph.keySet()) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
        }

        private void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.remove(stack.size() - 1);
                    component.add(w);
                } while (!w.equals(v));
                components.add(component);
            }
        }
    }
}
