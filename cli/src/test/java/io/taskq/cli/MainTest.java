package io.taskq.cli;

import io.taskq.common.store.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line as a user meets it: usage, version, completion, and one error line with exit code 2 for every bad
 * command line, naming the culprit. Nothing here reaches a data directory: each error is found first.
 */
class MainTest {
    @TempDir
    Path tmp;

    /** Exit code 2, nothing on stdout and exactly {@code line} on stderr. */
    private static void assertRejected(String line, String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of(line), run.errLines(), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    void shouldSuggestTheCommandAMistypedOneProbablyMeant() {
        assertRejected("taskq: unknown command 'produse' (did you mean: produce?)", "produse");
        assertRejected("taskq: unknown command 'stauts' (did you mean: status?)", "stauts");
    }

    @Test
    void shouldListTheCommandsWhenNoneIsClose() {
        assertRejected("taskq: unknown command 'frobnicate' (commands: demo, produce, consume, status, join, dead, "
                + "results, tail, bench, doctor, metrics, completion, bridge, kafka, help)", "frobnicate");
    }

    @Test
    void shouldSuggestTheOptionAMistypedOneProbablyMeant() {
        assertRejected("taskq produce: unknown option --cuont (did you mean: --count?)", "produce", "--cuont", "5");
        assertRejected("taskq produce: unknown option --cuont (did you mean: --count?)", "produce", "--cuont=5");
        assertRejected("taskq produce: unknown option --wait (did you mean: --wait-consumers?)",
                "produce", "--wait", "2");
        assertRejected("taskq status: unknown option --frobnicate (see taskq status --help)", "status", "--frobnicate");
    }

    @Test
    void shouldNameTheOptionAndValueAndWhatIsAllowed() {
        assertRejected("taskq produce: --count=-5: must be 0..1000000000000", "produce", "--count", "-5");
        assertRejected("taskq produce: --count=abc: must be a whole number in 0..1000000000000",
                "produce", "--count=abc");
        assertRejected("taskq produce: --wait-consumers=5000: must be 0..4096", "produce", "--count", "1",
                "--wait-consumers", "5000");
        assertRejected("taskq consume: --index=any: must be a slot number (0..slots.max-1) or auto",
                "consume", "--index", "any");
        assertRejected("taskq join: --timeout=soon: must be a duration such as 500ms, 10s, 2m or 1h",
                "join", "--timeout", "soon");
        assertRejected("taskq status: --interval=0ms: must be more than 0", "status", "--interval", "0ms");
        assertRejected("taskq metrics: --interval=0s: must be more than 0", "metrics", "--textfile",
                tmp.resolve("taskq.prom").toString(), "--interval", "0s");
        assertRejected("taskq metrics: --interval=soon: must be a duration such as 500ms, 10s, 2m or 1h",
                "metrics", "--interval", "soon");
    }

    @Test
    void shouldRejectMissingRepeatedAndUnexpectedArguments() {
        assertRejected("taskq produce: option --count needs a value", "produce", "--count");
        assertRejected("taskq produce: option --count given twice", "produce", "--count", "1", "--count", "2");
        assertRejected("taskq produce: unexpected argument 'now' (see taskq produce --help)", "produce", "now");
        assertRejected("taskq completion: missing SHELL (see taskq completion --help)", "completion");
    }

    @Test
    void shouldRejectOptionsThatDoNotGoTogether() {
        assertRejected("taskq produce: give exactly one of --count N or --input FILE|-", "produce");
        assertRejected("taskq produce: --verify needs --count N, --seal and --join (it checks the finished synthetic "
                + "workload against its closed form)", "produce", "--count", "5", "--seal", "--verify");
        assertRejected("taskq consume: --index K is required (this consumer's slot, 0..slots.max-1, or auto)",
                "consume");
        assertRejected("taskq metrics: --interval needs --textfile PATH (without it, metrics prints once)",
                "metrics", "--interval", "5s");
        assertRejected("taskq produce: --format goes with --input FILE|-, not with --count (synthetic tasks are not "
                + "read from an input)", "produce", "--count", "5", "--format", "lines");
    }

    @Test
    void shouldNameTheInputFormatsWhenGivenAnUnknownOne() {
        assertRejected("taskq produce: --format=xml: must be csv, lines or jsonl", "produce", "--input", "-",
                "--format", "xml");
        assertRejected("taskq produce: --format=LINES: must be csv, lines or jsonl", "produce", "--input", "-",
                "--format=LINES");
    }

    @Test
    void shouldNameTheOptionThatSetsABadConfigValue() {
        Path data = tmp.resolve("data");
        assertRejected("taskq consume: --batch-size=0: must be 1..65536", "consume", "--index", "0", "--batch-size",
                "0", "--data-dir", data.toString());
        assertRejected("taskq demo: --consumers=none: must be a whole number in 1..64", "demo", "--consumers", "none",
                "--data-dir", data.toString());
        assertFalse(Files.exists(data), "nothing was created");
    }

    @Test
    void shouldRefuseATextfileThatCannotBeWrittenBeforeReadingTheDataDirectory() {
        Path data = tmp.resolve("data");
        Path nowhere = tmp.resolve("nowhere");
        assertRejected("taskq metrics: --textfile=" + nowhere.resolve("taskq.prom") + ": directory " + nowhere
                + " does not exist", "metrics", "--textfile", nowhere.resolve("taskq.prom").toString(), "--data-dir",
                data.toString());
        assertRejected("taskq metrics: --textfile=" + tmp + ": is a directory; name a file in it, such as taskq.prom",
                "metrics", "--textfile", tmp.toString(), "--data-dir", data.toString());
        assertFalse(Files.exists(data), "nothing was created");
        assertFalse(Files.exists(nowhere), "nothing was created");
    }

    @Test
    void shouldNameAMissingConfigFile() {
        Path missing = tmp.resolve("missing.yaml");
        CommandRun run = CommandRun.of("status", "--config", missing.toString(), "--data-dir", tmp.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.errLines().get(0).startsWith("taskq status: config file " + missing), run::toString);
    }

    @Test
    void shouldPassTheExitCodeOfATaskqExceptionAndPrintItsMessageOnce() {
        assertRejected("taskq bench runs from the bench module's jars: start it with bin/taskq bench", "bench", "w1");
        assertRejected("taskq completion: SHELL=fish: must be bash", "completion", "fish");
    }

    @Test
    void shouldReportAnyOtherFailureAsFailedWithExitCodeOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = Main.commandLine(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = new OneLineErrors().handleExecutionException(new IllegalStateException("boom"),
                commandLine.getSubcommands().get("status"), null);
        assertEquals(1, code);
        assertEquals("taskq status: failed: java.lang.IllegalStateException: boom\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTheUsageAndExitTwoWithoutACommand() {
        CommandRun run = CommandRun.of();
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Usage: taskq"), run::toString);
        for (String command : List.of("demo", "produce", "consume", "status", "join", "dead", "results", "tail",
                "bench", "doctor", "metrics", "completion"))
            assertTrue(run.out().contains("\n  " + command + " "), () -> command + " is listed\n" + run);
        assertTrue(run.out().contains("Exit codes: 0 ok, 1 failed, 2 bad usage"), run::toString);
    }

    @Test
    void shouldShowEachOptionWithItsDefaultInTheHelp() {
        CommandRun run = CommandRun.of("produce", "--help");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("--rate=R"), run::toString);
        assertTrue(run.out().contains("(config producer.rate, default 0)"), run::toString);
        assertTrue(run.out().contains("(config data-dir, default var/taskq)"), run::toString);
        assertTrue(run.out().contains("-v, --verbose"), run::toString);
        CommandRun demo = CommandRun.of("demo", "--help");
        assertTrue(demo.out().contains("(config demo.data-dir, default var/taskq-demo)"), demo::toString);
    }

    @Test
    void shouldPrintTheProjectAndSchemaVersion() {
        CommandRun run = CommandRun.of("--version");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().matches("taskq \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(schema " + Schema.VERSION + "\\)\n"),
                run::toString);
    }

    @Test
    void shouldPrintABashCompletionScriptForEveryCommand() {
        CommandRun run = CommandRun.of("completion", "bash");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("complete -F"), "a bash completion script");
        for (String word : List.of("demo", "produce", "consume", "status", "join", "tail", "doctor", "metrics",
                "--wait-consumers", "--exit-on-eos", "--data-dir", "--textfile"))
            assertTrue(run.out().contains(word), () -> "completes " + word);
    }

    @Test
    @Timeout(60)
    void shouldPrintACompletionScriptThatBashParses() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is installed");
        String script = CommandRun.of("completion", "bash").out();
        Process bash = new ProcessBuilder("/bin/bash", "-n").redirectErrorStream(true).start();
        try (OutputStream in = bash.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash -n finished");
        String complaints = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.exitValue(), complaints);
    }
}
