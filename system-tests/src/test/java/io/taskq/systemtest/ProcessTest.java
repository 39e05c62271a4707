package io.taskq.systemtest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Base of the multi-process tests: a temporary directory per test (kept when the test fails, with every process's
 * logs in logs/) and a {@link Taskq} launcher that stops every process it started after the test, by pid.
 */
abstract class ProcessTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    /** A line of the processes' own logging (config/logback.xml); anything else on stderr is the error message. */
    static final Pattern LOG_LINE = Pattern.compile("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (INFO|WARN) +\\[.*");

    Taskq taskq;

    @BeforeEach
    void startLauncher() {
        taskq = new Taskq(tmp);
    }

    @AfterEach
    void stopEveryProcess() throws InterruptedException {
        taskq.close();
    }

    /**
     * Exit code 2 and, apart from log lines, exactly one line on stderr: {@code taskq <command>: ...} containing every
     * fragment.
     */
    static void assertRejected(TaskqProcess p, String command, String... fragments) {
        assertEquals(2, p.exitCode(), p::describe);
        List<String> errors = p.stderr().lines().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
        assertEquals(1, errors.size(),
                () -> "one error line on stderr besides log lines, found " + errors + "\n" + p.describe());
        String line = errors.get(0);
        assertTrue(line.startsWith("taskq " + command + ": "), () -> "starts with 'taskq " + command + ": ': " + line);
        for (String fragment : fragments)
            assertTrue(line.contains(fragment), () -> "names '" + fragment + "': " + line);
    }

    /**
     * Starts {@code count} consumers with indexes 0..count-1 ({@code consume --index k --exit-on-eos}, plus
     * {@code env}) and waits until each holds its slot, so that the consumers, which race to create the data
     * directory, are all in place before the first task.
     */
    List<TaskqProcess> startConsumers(Path data, int count, Map<String, String> env) throws Exception {
        Duration startup = Duration.ofSeconds(90);
        List<TaskqProcess> consumers = new ArrayList<>();
        for (int k = 0; k < count; k++)
            consumers.add(taskq.start("consumer-" + k, env, "consume", "--index", String.valueOf(k), "--exit-on-eos",
                    "--data-dir", data.toString()));
        try (ProgressProbe probe = ProgressProbe.open(data, startup)) {
            probe.await(startup, count + " consumers to take their slots", p -> p.slots().size() == count,
                    consumers.toArray(TaskqProcess[]::new));
        }
        return consumers;
    }
}
