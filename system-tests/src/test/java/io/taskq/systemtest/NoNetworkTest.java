package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TaskQ never needs the network: the demo (a producer and consumers as separate JVMs), then {@code taskq metrics} on
 * its data directory, run inside a network namespace whose only interface is loopback, and Chronicle's analytics,
 * which would phone home, is on no runtime classpath, neither as a jar nor as classes inside another jar nor through a
 * jar manifest's Class-Path.
 */
class NoNetworkTest extends ProcessTest {
    /** The package of Chronicle's analytics implementation, which chronicle-core loads by reflection if present. */
    private static final String ANALYTICS_PACKAGE = "net/openhft/chronicle/analytics/";

    @Test
    @Timeout(300)
    void shouldRunTheDemoAndMetricsInANetworkNamespaceWithOnlyLoopback() throws Exception {
        assumeUnshareNetworkPermitted();
        Path dir = tmp.resolve("demo");
        // One namespace for all: list its interfaces (/proc/self/net/dev is per network namespace), run the demo,
        // then exec metrics on the data directory the demo keeps in data/ (a temporary path, without quotes).
        TaskqProcess demo = taskq.startWrapped("demo-no-network", Map.of(),
                List.of("unshare", "-n", "--", "sh", "-c", "cat /proc/self/net/dev && \"$0\" \"$@\" && exec \"$0\" "
                        + "metrics --data-dir '" + dir.resolve("data") + "'"),
                "demo", "--count", "20000", "--consumers", "2", "--data-dir", dir.toString());
        demo.awaitExit(Duration.ofSeconds(240));

        assertEquals(0, demo.exitCode(), demo::describe);
        // /proc/self/net/dev: two header lines, then one line per interface: "name: " and 16 counters.
        Pattern device = Pattern.compile("^\\s*([^\\s:]+):\\s*\\d+(\\s+\\d+){15}\\s*$");
        List<String> interfaces = demo.stdout().lines().map(device::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).toList();
        assertEquals(List.of("lo"), interfaces,
                () -> "the namespace has no interface but loopback\n" + demo.describe());
        assertTrue(demo.stdout().contains("VERIFIED: every task was handled exactly once"), demo::describe);
        // Every sample carries the data directory's label (metrics run on the demo's own data directory).
        String dirLabel = "{data_dir=\"" + dir.resolve("data").toAbsolutePath().normalize() + "\"}";
        assertTrue(demo.stdout().contains("\ntaskq_tasks_done_total" + dirLabel + " 20000\n"), demo::describe);
        assertTrue(demo.stdout().contains("\ntaskq_stream_all_done" + dirLabel + " 1\n"), demo::describe);
    }

    @Test
    @Timeout(120)
    void shouldHaveNoChronicleAnalyticsOnTheClasspathBinTaskqBuilds() throws Exception {
        // The JVM's own view of its class path, printed by -XshowSettings before main runs `taskq --help`.
        TaskqProcess help = taskq.run("classpath", Map.of("TASKQ_JAVA_OPTS", "-XshowSettings:properties"), "--help");
        assertEquals(0, help.exitCode(), help::describe);
        List<Path> classpath = classPathOf(help.stderr());
        assertTrue(classpath.stream().anyMatch(p -> p.getFileName().toString().equals("taskq-cli.jar")),
                () -> "the class path bin/taskq builds: " + classpath);
        assertNoAnalytics(classpath);
    }

    /**
     * Follows every jar's manifest Class-Path (the JVM loads those jars too when they exist) and requires that no jar
     * reached is chronicle-analytics and none holds its classes.
     */
    private static void assertNoAnalytics(List<Path> roots) throws IOException {
        Set<Path> seen = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Path jar = todo.pop().toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar) || !seen.add(jar))
                continue;
            assertFalse(jar.getFileName().toString().contains("chronicle-analytics"),
                    () -> "analytics jar loaded: " + jar);
            try (JarFile file = new JarFile(jar.toFile())) {
                assertTrue(file.stream().noneMatch(e -> e.getName().startsWith(ANALYTICS_PACKAGE)),
                        () -> jar + " holds Chronicle analytics classes (" + ANALYTICS_PACKAGE + ")");
                Manifest manifest = file.getManifest();
                String manifestPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                if (manifestPath != null)
                    for (String entry : manifestPath.trim().split("\\s+"))
                        if (!entry.isEmpty())
                            todo.add(jar.resolveSibling(entry));
            }
        }
        assertTrue(seen.size() >= 10, () -> "checked the runtime jars, not an empty list: " + seen);
    }

    /** The entries of {@code java.class.path} as -XshowSettings:properties prints them (one per line, indented). */
    private static List<Path> classPathOf(String showSettings) {
        List<Path> entries = new ArrayList<>();
        Matcher first = Pattern.compile("(?m)^\\s*java\\.class\\.path = (.*)$").matcher(showSettings);
        assertTrue(first.find(), () -> "-XshowSettings printed java.class.path:\n" + showSettings);
        entries.add(Path.of(first.group(1).strip()));
        List<String> after = showSettings.substring(first.end()).lines().skip(1).toList();
        for (String line : after) {
            // Continuation lines are indented further and carry no " = ".
            if (line.isBlank() || line.contains(" = ") || !line.startsWith("        "))
                break;
            entries.add(Path.of(line.strip()));
        }
        return entries;
    }

    /** Skips (with the reason) only where the machine forbids creating a network namespace. */
    private static void assumeUnshareNetworkPermitted() throws IOException, InterruptedException {
        Process probe;
        try {
            probe = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "unshare is not installed here (" + e.getMessage()
                    + "); CI runs this test as root on Debian");
            return;
        }
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "unshare -n true finished");
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(probe.exitValue() == 0, () -> "unshare -n is not permitted on this machine (exit "
                + probe.exitValue() + ": " + output + "); CI runs this test as root on Debian, where it is");
    }
}
