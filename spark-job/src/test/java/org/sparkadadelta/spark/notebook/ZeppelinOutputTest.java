package org.sparkadadelta.spark.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkadadelta.spark.notebook.ZeppelinOutput.Message;

/** {@link ZeppelinOutput#split}: Zeppelin's display systems start a new result only at the start of a line. */
class ZeppelinOutputTest {
    @Test
    void displaySystemsAtLineStartsCutTheOutputIntoTypedMessages() {
        assertEquals(List.of(new Message("TEXT", "loading\n"), new Message("HTML", "<img src='x'/>\n"),
                        new Message("TABLE", "a\tb\n1\t2\n")),
                ZeppelinOutput.split("loading\n%html <img src='x'/>\n%table a\tb\n1\t2\n"));
    }

    @Test
    void aPercentSignElsewhereOrAnUnknownSystemIsText() {
        assertEquals(List.of(new Message("TEXT", "100 %html done\n%foo bar\n")),
                ZeppelinOutput.split("100 %html done\n%foo bar\n"));
    }

    @Test
    void blankMessagesAreDropped() {
        assertEquals(List.of(new Message("HTML", "<b>x</b>")), ZeppelinOutput.split("\n%html <b>x</b>"));
        assertEquals(List.of(), ZeppelinOutput.split(""));
    }
}
