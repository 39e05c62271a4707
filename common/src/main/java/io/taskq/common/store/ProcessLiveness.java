package io.taskq.common.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Tells whether the process that owns a slot is still running. A pid alone is not enough because pids are reused,
 * so the owner's start time is compared too. Only meaningful for processes in this pid namespace: containers that
 * share a data directory need {@code pid: host}.
 */
public final class ProcessLiveness {
    /** Start times are compared with this slack: the OS reports them in clock ticks. */
    private static final long START_SLACK_MILLIS = 2_000;

    private ProcessLiveness() {
    }

    public static long currentPid() {
        return ProcessHandle.current().pid();
    }

    /** This process's start time in epoch millis, or 0 when the OS does not say. */
    public static long currentStartMillis() {
        return ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** True if {@code pid} runs and, when both start times are known, started at {@code startMillis}. */
    public static boolean isAlive(long pid, long startMillis) {
        if (pid <= 0)
            return false;
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive())
            return false;
        if (startMillis == 0)
            return true;
        return handle.get().info().startInstant()
                .map(start -> Math.abs(start.toEpochMilli() - startMillis) <= START_SLACK_MILLIS)
                .orElse(true);
    }
}
