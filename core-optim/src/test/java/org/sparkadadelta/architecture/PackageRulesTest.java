package org.sparkadadelta.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker behind the package-dependency tests, on small hand-written graphs and tables. */
class PackageRulesTest {
    private static final List<String> TABLE = List.of(
            "# Architecture", "", "### demo", "", "Rows:", "",
            "| package | may use |",
            "|---|---|",
            "| `x.low` | - |",
            "| `x.mid` | `x.low` |",
            "| `x.top` | `x.mid`, `x.low` |",
            "", "### other", "| `x.low` | `x.top` |");

    private static String edge(String from, String to) {
        return "   org.sparkadadelta." + from + " -> org.sparkadadelta." + to + " classes";
    }

    @Test
    void readsOnlyTheModulesTable() {
        PackageRules rules = PackageRules.parse(TABLE, "demo");
        assertEquals(Map.of("x.low", Set.of(), "x.mid", Set.of("x.low"), "x.top", Set.of("x.mid", "x.low")),
                rules.mayUse());
        assertEquals(Map.of("x.low", Set.of("x.top")), PackageRules.parse(TABLE, "other").mayUse());
        assertThrows(IllegalArgumentException.class, () -> PackageRules.parse(TABLE, "missing"));
    }

    @Test
    void allowedUsesPass() {
        PackageGraph graph = PackageGraph.ofClassEdges(List.of(edge("x.top.A", "x.mid.B"), edge("x.mid.B", "x.low.C"),
                edge("x.low.C", "x.low.D"), "   org.sparkadadelta.x.low.C -> java.lang.Object java.base"));
        assertEquals(List.of(), PackageRules.parse(TABLE, "demo").violations(graph));
    }

    @Test
    void aCycleAndTheUseBehindItAreReported() {
        PackageGraph graph = PackageGraph.ofClassEdges(List.of(edge("x.top.A", "x.mid.B"), edge("x.mid.B", "x.top.A$1"),
                edge("x.low.C", "x.low.D")));
        assertEquals(List.of(Set.of("x.mid", "x.top")), graph.cycles());
        assertEquals(List.of("Package cycle among [x.mid, x.top]", "x.mid may not use x.top: [x.mid.B -> x.top.A$1]"),
                PackageRules.parse(TABLE, "demo").violations(graph));
    }

    @Test
    void undeclaredAndEmptyPackagesAreReported() {
        PackageGraph graph = PackageGraph.ofClassEdges(List.of(edge("x.top.A", "x.low.C"), edge("x.new.E", "x.low.C"),
                edge("x.low.C", "x.low.D")));
        assertEquals(List.of("Package x.mid is in the demo table but has no classes",
                "Package x.new is not in the demo table of ARCHITECTURE.md"),
                PackageRules.parse(TABLE, "demo").violations(graph));
    }

    @Test
    void aCyclicTableIsReported() {
        List<String> cyclic = List.of("### demo", "| `x.a` | `x.b` |", "| `x.b` | `x.a` |");
        PackageGraph graph = PackageGraph.ofClassEdges(List.of(edge("x.a.A", "x.b.B"), edge("x.b.B", "x.b.C")));
        assertEquals(List.of("The table itself has a cycle among [x.a, x.b]"),
                PackageRules.parse(cyclic, "demo").violations(graph));
    }
}
