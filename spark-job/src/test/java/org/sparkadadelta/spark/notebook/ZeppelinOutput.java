package org.sparkadadelta.spark.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A paragraph's printed output cut into Zeppelin's result messages: a line that starts with a display system
 * ({@code %html}, {@code %table}, {@code %text}, ...) followed by a blank starts a message of that type, as
 * Zeppelin's interpreter output does; text before the first such line is {@code TEXT}.
 */
public final class ZeppelinOutput {
    private static final Pattern DISPLAY = Pattern.compile("(?m)^%(text|html|table|img|svg|angular|network)[ \\t\\n]");

    /** One result message: Zeppelin's type name ({@code TEXT}, {@code HTML}, {@code TABLE}, ...) and data. */
    public record Message(String type, String data) {
    }

    private ZeppelinOutput() {
    }

    public static List<Message> split(String output) {
        List<Message> messages = new ArrayList<>();
        Matcher m = DISPLAY.matcher(output);
        String type = "TEXT";
        int start = 0;
        while (m.find()) {
            add(messages, type, output.substring(start, m.start()));
            type = m.group(1).toUpperCase(java.util.Locale.ROOT);
            start = m.end();
        }
        add(messages, type, output.substring(start));
        return messages;
    }

    private static void add(List<Message> messages, String type, String data) {
        if (!data.isBlank()) { // Zeppelin skips blank messages too
            messages.add(new Message(type, data));
        }
    }
}
