package io.taskq.systemtest;

import io.taskq.cli.ChildProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/taskq} process. The launcher {@code exec}s java, so {@link #pid()} is the TaskQ JVM's own pid. Its
 * stdout and stderr go to {@code <name>.out} and {@code <name>.err} in the test's log directory.
 * <p>
 * Not thread-safe; used from the test thread.
 */
final class TaskqProcess {
    /** How many characters of each log {@link #describe()} shows. */
    private static final int LOG_TAIL_CHARS = 4_000;

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;

    TaskqProcess(String name, List<String> command, Process process, Path stdoutFile, Path stderrFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the process to exit and returns its exit code.
     *
     * @throws AssertionError if it is still running at the deadline (the process is left running; the test's
     *                        {@code @AfterEach} stops it)
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            throw new AssertionError(name + " did not exit within " + timeout + "\n" + describe());
        return process.exitValue();
    }

    /** The exit code of a process that has exited. */
    int exitCode() {
        return process.exitValue();
    }

    /** SIGTERM: what Ctrl-C or {@code kill PID} sends; a consumer stops gracefully. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process gets no chance to clean up. */
    void kill() {
        process.destroyForcibly();
    }

    /**
     * Stops the process if it still runs, with {@link ChildProcesses#stop}: SIGTERM to it and its descendants (in case
     * the launcher was still building), then SIGKILL if it has not exited after {@code grace}, and a bounded wait.
     *
     * @return false if it was still running even after SIGKILL and that wait
     */
    boolean stop(Duration grace) throws InterruptedException {
        return ChildProcesses.stop(process, grace);
    }

    String stdout() {
        return read(stdoutFile);
    }

    String stderr() {
        return read(stderrFile);
    }

    /** The command, pid, state and the ends of both logs, for assertion messages. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        return "[" + name + "] pid " + process.pid() + ", " + state + ": " + String.join(" ", command)
                + "\n--- stdout (" + stdoutFile + ") ---\n" + tail(stdout())
                + "\n--- stderr (" + stderrFile + ") ---\n" + tail(stderr());
    }

    private static String tail(String s) {
        return s.length() <= LOG_TAIL_CHARS ? s : "..." + s.substring(s.length() - LOG_TAIL_CHARS);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
