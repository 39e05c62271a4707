package io.taskq.cli;

import io.taskq.common.TaskQException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvTaskReaderTest {
    @TempDir
    Path tmp;

    private static CsvTaskReader reader(String text) {
        return new CsvTaskReader(new BufferedReader(new StringReader(text)), "input tasks.csv");
    }

    /** Every task of {@code text} as "value,payload". */
    private static List<String> tasks(String text) throws IOException {
        List<String> tasks = new ArrayList<>();
        try (CsvTaskReader r = reader(text)) {
            while (r.next())
                tasks.add(r.value() + "," + r.payload());
        }
        return tasks;
    }

    /** The message that stops reading {@code text}, after the tasks before the bad line were yielded. */
    private static String malformed(String text, int goodLinesFirst) throws IOException {
        try (CsvTaskReader r = reader(text)) {
            for (int i = 0; i < goodLinesFirst; i++)
                r.next();
            return assertThrows(MalformedLine.class, r::next).getMessage();
        }
    }

    @Test
    void shouldYieldOneTaskPerLineSkippingTheHeaderCommentsAndBlankLines() throws IOException {
        assertEquals(List.of("1,1.0", "-2,2.5", "3,-0.125"),
                tasks("value,payload\n1,1.0\n\n# a comment\n -2 , 2.5 \n3,-0.125"));
        assertEquals(List.of(), tasks(""));
    }

    @Test
    void shouldNameTheInputLineAndWhatIsWrong() throws IOException {
        assertEquals("input tasks.csv line 4 'abc,1.0': value 'abc' is not an int",
                malformed("1,1.0\n2,2.0\n3,3.0\nabc,1.0\n5,5.0\n", 3));
        assertEquals("input tasks.csv line 1 '1,x': payload 'x' is not a number", malformed("1,x\n", 0));
        assertEquals("input tasks.csv line 1 '1,NaN': payload 'NaN' is not finite", malformed("1,NaN\n", 0));
        assertEquals("input tasks.csv line 2 '1,2,3': expected 2 fields value,payload, found 3",
                malformed("1,1\n1,2,3\n", 1));
        assertEquals("input tasks.csv line 1 '7': expected 2 fields value,payload, found 1", malformed("7\n", 0));
        assertEquals("input tasks.csv line 1 '3000000000,1': value '3000000000' is not an int",
                malformed("3000000000,1\n", 0));
    }

    @Test
    void shouldTakeAHeaderOnlyOnTheFirstLine() throws IOException {
        assertEquals("input tasks.csv line 2 'value,payload': value 'value' is not an int",
                malformed("1,1\nvalue,payload\n", 1));
    }

    @Test
    void shouldQuoteAtMostSixtyCharactersOfABadLine() throws IOException {
        String line = "1," + "9".repeat(100) + "x";
        String message = malformed(line + "\n", 0);
        assertEquals("input tasks.csv line 1 '" + line.substring(0, 57) + "...': payload '" + line.substring(2)
                + "' is not a number", message);
    }

    @Test
    void shouldNameAnInputFileThatCannotBeRead() {
        Path missing = tmp.resolve("missing.csv");
        TaskQException e = assertThrows(TaskQException.class, () -> CsvTaskReader.open(missing.toString()));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertEquals("taskq produce: --input " + missing + ": cannot read it (NoSuchFileException)", e.getMessage());
    }
}
