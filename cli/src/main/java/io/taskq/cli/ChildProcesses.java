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
    /** How long a killed process may take to be gone. */
    public static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ChildProcesses() {
    }

    /**
     * Asks {@code process} and its descendants to stop (SIGTERM), waits up to {@code grace} for it to exit, then kills
     * whatever is left of them (SIGKILL) and waits up to {@link #KILL_WAIT} more.
     *
     * @return true once the process has exited; false if it was still there even after SIGKILL and that wait
     */
    public static boolean stop(Process process, Duration grace) throws InterruptedException {
        if (!process.isAlive())
            return true;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
            return true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@link #stop(Process, Duration)} for each that is still running, all asked to stop at once.
     *
     * @return true once all have exited
     */
    public static boolean stopAll(List<Process> processes, Duration grace) throws InterruptedException {
        for (Process p : processes)
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
        boolean all = true;
        for (Process p : processes)
            all &= stop(p, grace);
        return all;
    }
}
