package org.sparkadadelta.spark.notebook;

import java.util.Map;

/** What a Java cell produced, in order: printed text, displayed data (by MIME type), its value. */
public sealed interface CellOutput {
    record Stream(String text) implements CellOutput {
    }

    record Display(Map<String, String> data) implements CellOutput {
    }

    record Value(String text) implements CellOutput {
    }
}
