package io.taskq.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code taskq bench}'s command line: its help, and each usage error as one line with exit code 2. None runs. */
class BenchCommandLineTest {
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void usageError(String expected, String... args) {
        Outcome o = bench(args);
        assertEquals(2, o.code(), o.err());
        assertEquals(expected, o.err().strip());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertEquals("", o.out());
    }

    @Test
    void helpShowsEveryOptionWithItsDefaultAndTheWorkloads() {
        Outcome o = bench("--help");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("Usage: taskq bench "), o.out());
        for (String expected : new String[]{"[w1|w2|w1-large|w1-batch|all|kafka]", "--runs=K", "(default: 3)",
                "--quick", "--json", "--results=DIR", "--config=FILE", "Workloads:",
                "  w1    throughput: 1,000,000 tasks", "0.1% poison tasks", "chronicle-raw-min",
                "  w2    latency: 1 producer, 1 consumer, 200,000 tasks at 50,000/s", "  w1-large",
                "W1 cold with 20,000,000 tasks, 1 task per put", "  w1-batch",
                "the producer puts 64 tasks per putAll", "1 producer (1 task per put)", "  kafka through Kafka",
                "baseline kafka-loop", "(not part of all)"})
            assertTrue(o.out().contains(expected), expected + " in\n" + o.out());
        assertFalse(o.out().contains("\u001B["), "no colours");
        o.out().lines().forEach(line -> assertTrue(line.length() <= 120, line));
    }

    @Test
    void aMistypedOptionIsNamedWithASuggestion() {
        usageError("taskq bench: unknown option --jsn (did you mean: --json?)", "--jsn");
        usageError("taskq bench: unknown option --rus (did you mean: --runs?)", "--rus", "2");
    }

    @Test
    void runsMustBeAWholeNumberFrom1To20() {
        usageError("taskq bench: --runs=0: must be 1..20", "--runs", "0");
        usageError("taskq bench: --runs=21: must be 1..20", "--runs=21");
        usageError("taskq bench: --runs=x: must be a whole number in 1..20", "--runs", "x");
    }

    @Test
    void anOptionWithoutItsValueOrGivenTwiceIsAnError() {
        usageError("taskq bench: option --runs needs a value", "--runs");
        usageError("taskq bench: option --results needs a value", "w1", "--results");
        usageError("taskq bench: option --runs given twice", "--runs", "2", "--runs", "3");
    }

    @Test
    void quickRunsOnce() {
        usageError("taskq bench: --quick runs once; leave out --runs", "--quick", "--runs", "2");
    }

    @Test
    void oneWorkloadAtMost() {
        usageError("taskq bench: expected one of w1, w2, w1-large, w1-batch, all, kafka, got w1 w2 "
                + "(see taskq bench --help)", "w1", "w2");
    }
}
