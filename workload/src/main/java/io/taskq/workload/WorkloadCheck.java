package io.taskq.workload;

import io.taskq.common.store.Progress;

import java.util.Locale;

/**
 * Checks a finished run of the synthetic {@link Workload} (under the {@code example} handler) against its closed
 * form. The demo and {@code produce --verify} both decide with it, so a run counts as verified by one rule.
 */
public final class WorkloadCheck {
    private WorkloadCheck() {
    }

    /**
     * @return null when the stream holds exactly {@code count} tasks, is sealed, every one is done exactly once
     * (done and the done watermark both reach {@code count}) and the totals equal the closed form; otherwise
     * one line saying what differs
     */
    public static String mismatch(Progress p, long count) {
        long expectedValue = Workload.expectedSumValue(count);
        double expectedPayload = Workload.expectedSumPayload(count);
        boolean ok = p.submitted() == count && p.done() == count && p.watermark() == count
                && p.sumValue() == expectedValue && p.sumPayload() == expectedPayload && p.allDone();
        if (ok)
            return null;
        return String.format(Locale.ROOT,
                "submitted %d, done %d, watermark %d, sealed %s, sumValue %d (expected %d), sumPayload %.1f "
                        + "(expected %.1f); expected %d tasks",
                p.submitted(), p.done(), p.watermark(), p.sealed(), p.sumValue(), expectedValue, p.sumPayload(),
                expectedPayload, count);
    }
}
