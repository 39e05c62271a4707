package io.taskq.bench;

import io.taskq.cli.ChildProcesses;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one benchmark run: each started with its output in its own log file, waited for with a deadline,
 * and stopped by its own handle (never by name) with {@link ChildProcesses} if the run fails. Not thread-safe.
 */
final class Children implements AutoCloseable {
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    Children(Path logs) {
        this.logs = logs;
    }

    /** Starts {@code command} with its stdout and stderr in {@link #log}{@code (role)}. */
    Process start(String role, List<String> command) throws IOException {
        return start(role, command, Map.of());
    }

    /**
     * Starts {@code command} with its stdout and stderr in {@link #log}{@code (role)}, and {@code environment} added
     * to (or replacing entries of) this process's environment: configuration for it as {@code TASKQ_*} variables.
     */
    Process start(String role, List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log(role).toFile());
        builder.environment().putAll(environment);
        return add(role, builder);
    }

    /** Starts {@code command} with its stdout in {@code output} (its figures) and its stderr in the log. */
    Process start(String role, List<String> command, Path output) throws IOException {
        return add(role, new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(log(role).toFile()));
    }

    private Process add(String role, ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        processes.add(p);
        roles.add(role);
        return p;
    }

    Path log(String role) {
        return logs.resolve(role + ".log");
    }

    /** Throws, naming the process and its log, if one of them has already exited with a non-zero code. */
    void checkNoneFailed() {
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.isAlive() && p.exitValue() != 0)
                throw exited(i);
        }
    }

    /** True if one of them has exited, whatever its code. */
    boolean anyExited() {
        for (Process p : processes)
            if (!p.isAlive())
                return true;
        return false;
    }

    /** Waits until every process has exited 0; throws naming the culprit on a failure or at the deadline. */
    void awaitAll(long deadlineNanos) throws InterruptedException {
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            long left = deadlineNanos - System.nanoTime();
            if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS))
                throw new BenchFailure(roles.get(i) + " (pid " + p.pid() + ") did not finish in time; see "
                        + log(roles.get(i)));
            if (p.exitValue() != 0)
                throw exited(i);
        }
    }

    private BenchFailure exited(int i) {
        Process p = processes.get(i);
        return new BenchFailure(roles.get(i) + " (pid " + p.pid() + ") exited with " + p.exitValue() + "; see "
                + log(roles.get(i)));
    }

    /**
     * Stops whatever is still running, its own processes only.
     *
     * @throws BenchFailure naming the processes that were still there even after SIGKILL
     */
    @Override
    public void close() throws InterruptedException {
        if (ChildProcesses.stopAll(processes, ChildProcesses.DEFAULT_GRACE))
            return;
        List<String> left = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++)
            if (processes.get(i).isAlive())
                left.add(roles.get(i) + " (pid " + processes.get(i).pid() + ")");
        throw new BenchFailure(String.join(", ", left) + " did not exit even when killed");
    }
}
