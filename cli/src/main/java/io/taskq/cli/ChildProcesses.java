package io.taskq.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops processes that this process started, by their own handles: never by name or pattern, so nothing else on the
 * machine is touched. The demo, the benchmark harness and the system tests tear their processes down with it.
 */
public final class ChildProcesses {
    /** How long a child gets to exit after SIGTERM before it is killed. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private ChildProcesses() {
    }

    /**
     * Asks {@code process} and its descendants to stop (SIGTERM), waits up to {@code grace} for it to exit, then kills
     * whatever is left of them (SIGKILL) and waits for the process to be gone.
     *
     * @return the process's exit code
     */
    public static int stop(Process process, Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        return process.waitFor();
    }

    /** {@link #stop(Process, Duration)} for each that is still running, all asked to stop at once. */
    public static void stopAll(List<Process> processes, Duration grace) throws InterruptedException {
        for (Process p : processes)
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        for (Process p : processes)
            stop(p, grace);
    }
}
