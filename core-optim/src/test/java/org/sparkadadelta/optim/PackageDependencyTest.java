package org.sparkadadelta.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.architecture.PackageRules;

/** core-optim's compiled packages follow the core-optim table of ARCHITECTURE.md, without cycles. */
class PackageDependencyTest {
    @Test
    void packagesFollowArchitectureMd() throws IOException {
        List<String> violations = PackageRules.checkModule(Path.of(System.getProperty("basedir", ".")), "core-optim");
        assertEquals(List.of(), violations, String.join("\n", violations));
    }
}
