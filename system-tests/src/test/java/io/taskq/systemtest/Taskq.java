package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code bin/taskq <args>} as separate JVMs for one test and stops every one of them in {@link #close()},
 * which the test calls from {@code @AfterEach}. Processes are addressed only through their own {@link Process}
 * handles (that is, by pid), never by name.
 * <p>
 * Each process gets a clean environment: inherited {@code TASKQ_*} variables are dropped, {@code TASKQ_JAVA} is the
 * JVM running the tests, and {@code TASKQ_JAVA_OPTS} keeps the heap modest and names the process in its log lines.
 * <p>
 * Not thread-safe; used from the test thread.
 */
final class Taskq implements AutoCloseable {
    /** The repository root, passed by the parent pom's surefire configuration. */
    static final Path PROJECT_ROOT = projectRoot();
    static final Path LAUNCHER = PROJECT_ROOT.resolve("bin").resolve("taskq");
    /** Enough for one short command (JVM start included) on a loaded 2-core machine. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Path logDir;
    private final List<TaskqProcess> started = new ArrayList<>();
    private final Map<String, Integer> names = new HashMap<>();

    /** @param workDir the test's temporary directory: the processes' working directory; logs go to its logs/ */
    Taskq(Path workDir) {
        this.workDir = workDir;
        this.logDir = workDir.resolve("logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path projectRoot() {
        String root = System.getProperty("taskq.project.root");
        if (root == null || root.isBlank())
            throw new IllegalStateException("system property taskq.project.root is not set (the parent pom's surefire "
                    + "configuration passes it; run these tests through Maven)");
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** Starts {@code bin/taskq args...}; {@code name} names its log files. */
    TaskqProcess start(String name, String... args) throws IOException {
        return start(name, Map.of(), args);
    }

    /** Starts {@code bin/taskq args...} with extra environment variables (set after the clean-up, so they win). */
    TaskqProcess start(String name, Map<String, String> extraEnv, String... args) throws IOException {
        return startWrapped(name, extraEnv, List.of(), args);
    }

    /**
     * Starts {@code wrapper... bin/taskq args...}: {@code wrapper} is a command that runs the rest of its command line
     * (such as {@code unshare -n}), so the pid is the wrapper's until it execs.
     */
    TaskqProcess startWrapped(String name, Map<String, String> extraEnv, List<String> wrapper, String... args)
            throws IOException {
        String unique = uniqueName(name);
        List<String> command = new ArrayList<>(wrapper);
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        Path out = logDir.resolve(unique + ".out");
        Path err = logDir.resolve(unique + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TASKQ_"));
        env.put("TASKQ_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("TASKQ_JAVA_OPTS", "-Xmx256m -Dtaskq.role=" + unique);
        env.putAll(extraEnv);
        TaskqProcess process = new TaskqProcess(unique, command, builder.start(), out, err);
        started.add(process);
        return process;
    }

    /** Runs {@code bin/taskq args...} to completion and returns the finished process. */
    TaskqProcess run(String name, String... args) throws IOException, InterruptedException {
        return run(name, Map.of(), args);
    }

    TaskqProcess run(String name, Map<String, String> extraEnv, String... args)
            throws IOException, InterruptedException {
        TaskqProcess p = start(name, extraEnv, args);
        p.awaitExit(COMMAND_TIMEOUT);
        return p;
    }

    /** Runs {@code bin/taskq args...}, requires exit code 0 and returns the finished process. */
    TaskqProcess runOk(String name, String... args) throws IOException, InterruptedException {
        TaskqProcess p = run(name, args);
        if (p.exitCode() != 0)
            throw new AssertionError("expected exit code 0\n" + p.describe());
        return p;
    }

    /** {@code taskq status --json --data-dir DIR}, which must exit 0, parsed. */
    JsonNode status(Path dataDir) throws IOException, InterruptedException {
        TaskqProcess p = runOk("status", "status", "--json", "--data-dir", dataDir.toString());
        String json = p.stdout().strip();
        if (json.isEmpty() || json.contains("\n"))
            throw new AssertionError("status --json must print exactly one line of JSON\n" + p.describe());
        return JSON.readTree(json);
    }

    private String uniqueName(String name) {
        int n = names.merge(name, 1, Integer::sum);
        return n == 1 ? name : name + "-" + n;
    }

    /**
     * Stops every process this instance started that still runs: SIGTERM, then SIGKILL after a grace period.
     *
     * @throws AssertionError naming any process that survived even SIGKILL
     */
    @Override
    public void close() throws InterruptedException {
        Map<String, String> survivors = new LinkedHashMap<>();
        for (TaskqProcess p : started)
            if (!p.stop(STOP_GRACE))
                survivors.put(p.name(), "pid " + p.pid());
        if (!survivors.isEmpty())
            throw new AssertionError("processes still running after SIGKILL: " + survivors);
    }
}
