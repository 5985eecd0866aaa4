package org.sparkadadelta.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Which package may use which", read from one module's table in ARCHITECTURE.md, so that the document is
 * the rule and cannot drift from what is checked. The table follows a heading {@code ### <module>}; each row
 * is {@code | `package` | `allowed`, `allowed` ... |} (or a dash for none), names relative to
 * {@code org.sparkadadelta.}.
 *
 * @param module the Maven module whose table this is
 * @param mayUse each declared package of the module to the other project packages it may use
 */
public record PackageRules(String module, Map<String, Set<String>> mayUse) {
    private static final Pattern NAME = Pattern.compile("`([a-z][a-z0-9.]*)`");

    /**
     * The violations of the module in {@code moduleDir} (a Maven module, compiled) against its table in the
     * ARCHITECTURE.md of the repository root, its parent.
     */
    public static List<String> checkModule(Path moduleDir, String module) throws IOException {
        PackageRules rules = read(moduleDir.resolve("../ARCHITECTURE.md").normalize(), module);
        return rules.violations(PackageGraph.ofClasses(moduleDir.resolve("target/classes")));
    }

    /** The rules of {@code module} in {@code markdown}. */
    public static PackageRules read(Path markdown, String module) throws IOException {
        return parse(Files.readAllLines(markdown), module);
    }

    static PackageRules parse(List<String> lines, String module) {
        int heading = lines.indexOf("### " + module);
        if (heading < 0) {
            throw new IllegalArgumentException("No '### " + module + "' heading");
        }
        Map<String, Set<String>> mayUse = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : lines.subList(heading + 1, lines.size())) {
            if (!line.startsWith("|")) {
                if (inTable || line.startsWith("#")) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = line.split("\\|");
            if (cells.length < 3 || !cells[1].contains("`")) {
                continue; // the header and its separator row
            }
            List<String> declared = names(cells[1]);
            if (declared.size() != 1) {
                throw new IllegalArgumentException("A row must name one package: " + line);
            }
            if (mayUse.put(declared.get(0), new TreeSet<>(names(cells[2]))) != null) {
                throw new IllegalArgumentException("Package declared twice: " + declared.get(0));
            }
        }
        if (mayUse.isEmpty()) {
            throw new IllegalArgumentException("No package table under '### " + module + "'");
        }
        return new PackageRules(module, mayUse);
    }

    private static List<String> names(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * What {@code actual} does that the table does not allow: package cycles, packages missing from the table or
     * declared without classes, and uses not in a package's row (with the class references behind them).
     * Empty when all is well.
     */
    public List<String> violations(PackageGraph actual) {
        List<String> problems = new ArrayList<>();
        for (Set<String> cycle : new PackageGraph(mayUse, Map.of()).cycles()) {
            problems.add("The table itself has a cycle among " + cycle);
        }
        for (Set<String> cycle : actual.cycles()) {
            problems.add("Package cycle among " + cycle);
        }
        for (String declared : mayUse.keySet()) {
            if (!actual.uses().containsKey(declared)) {
                problems.add("Package " + declared + " is in the " + module + " table but has no classes");
            }
        }
        for (Map.Entry<String, Set<String>> e : actual.uses().entrySet()) {
            String from = e.getKey();
            Set<String> allowed = mayUse.get(from);
            if (allowed == null) {
                problems.add("Package " + from + " is not in the " + module + " table of ARCHITECTURE.md");
                continue;
            }
            for (String to : e.getValue()) {
                if (!allowed.contains(to)) {
                    problems.add(from + " may not use " + to + ": " + actual.causes(from, to));
                }
            }
        }
        return problems;
    }
}
