package io.taskq.systemtest;

import io.taskq.cli.JvmLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TaskQ on the newest JDK installed beside the build's (from JDK 23 on, found in /usr/lib/jvm or given by
 * {@code TASKQ_TEST_NEWER_JAVA}): a job runs with the JVMs that {@code bin/taskq} and {@code JvmLauncher} start, and
 * none of them prints a JVM warning (native access, {@code sun.misc.Unsafe}): both pass the flags that allow what
 * Chronicle's helpers do. Skipped where no such JDK is installed.
 */
class NewerJdkTest extends ProcessTest {
    @Test
    @Timeout(180)
    void shouldRunAJobWithoutAnyJvmWarning() throws Exception {
        Optional<Path> java = newerJava();
        assumeTrue(java.isPresent(), "no JDK " + JvmLauncher.UNSAFE_MEMORY_SINCE + "+ installed");
        Map<String, String> env = Map.of("TASKQ_JAVA", java.get().toString());
        Path data = tmp.resolve("data");
        TaskqProcess demo = taskq.run("demo", env, "demo", "--count", "20000", "--consumers", "2",
                "--data-dir", data.toString());
        assertEquals(0, demo.exitCode(), demo::describe);
        assertTrue(demo.stdout().contains("VERIFIED"), demo::describe);
        assertFalse(demo.stderr().contains("WARNING:"), () -> "no JVM warning\n" + demo.describe());
        // The demo's producer and consumers, started by JvmLauncher, write their output to logs/.
        List<Path> logs;
        try (Stream<Path> files = Files.walk(tmp)) {
            logs = files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
        }
        assertTrue(logs.size() >= 3, () -> "the demo's children logged: " + logs);
        for (Path log : logs)
            assertFalse(Files.readString(log).contains("WARNING:"), () -> "no JVM warning in " + log);
    }

    private static Optional<Path> newerJava() throws IOException {
        String given = System.getenv("TASKQ_TEST_NEWER_JAVA");
        if (given != null && !given.isBlank())
            return Optional.of(Path.of(given));
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms))
            return Optional.empty();
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> feature(home) >= JvmLauncher.UNSAFE_MEMORY_SINCE)
                    .max(Comparator.comparingInt(NewerJdkTest::feature))
                    .map(home -> home.resolve("bin").resolve("java"))
                    .filter(Files::isExecutable);
        }
    }

    /** The feature release in a JDK's {@code release} file, or 0. */
    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
