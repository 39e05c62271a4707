package io.taskq.cli;

import io.taskq.common.store.TaskOutcome;

/**
 * One line of {@code taskq results --json}: a task's outcome. Scripts read these field names, in this order; the
 * components must not be renamed or reordered, and new ones go at the end.
 * <p>
 * {@code status} is {@code ok} (done) or {@code dead}. {@code body} is the handler's result body, or for a dead task
 * its last error, as text when it is valid UTF-8 ({@code bodyEncoding} {@code utf-8}; an empty body is {@code ""}),
 * else its bytes in base64 ({@code bodyEncoding} {@code base64}). {@code value} and {@code payload} are the handler's
 * numeric results (0 when dead). {@code handledAt} is ISO-8601 in UTC with milliseconds; {@code latencyNanos} runs
 * from the put to the outcome.
 */
record ResultReport(long seq, String status, String body, String bodyEncoding, int slot, int attempts, long value,
                    double payload, String handledAt, long handledAtMillis, long latencyNanos) {

    static ResultReport of(TaskOutcome o) {
        String text = o.bodyText();
        return new ResultReport(o.seq(), o.status().label(), text != null ? text : o.bodyBase64(),
                text != null ? DeadLetterReport.UTF_8 : DeadLetterReport.BASE64, o.slot(), o.attempts(), o.value(),
                o.payload(), DeadLetterReport.utc(o.handledMillis()), o.handledMillis(), o.latencyNanos());
    }
}
