package io.taskq.cli;

import io.taskq.common.store.TaskOutcome;
import io.taskq.common.wire.DeadLetter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One line of {@code taskq dead --json}: a dead task with its last error. Scripts read these field names, in this
 * order; the components must not be renamed or reordered.
 * <p>
 * {@code error} is the error as {@link Throwable#toString()} writes it ({@code java.lang.IllegalStateException: boom});
 * {@code errorClass} is empty when the consumer was killed before it recorded the error, and {@code errorMessage}
 * then says so. {@code failedAt} is ISO-8601 in UTC with milliseconds. {@code body} is the body as text when it is
 * valid UTF-8 ({@code bodyEncoding} {@code utf-8}; an empty body is {@code ""}), else its bytes in base64
 * ({@code bodyEncoding} {@code base64}).
 */
record DeadLetterReport(long seq, int attempts, String error, String errorClass, String errorMessage,
                        List<String> stack, int value, double payload, int slot, String failedAt, long failedAtMillis,
                        List<Long> retriedAs, String body, String bodyEncoding) {
    static final String UTF_8 = "utf-8";
    static final String BASE64 = "base64";

    /** ISO-8601 in UTC, always with milliseconds, so that the listing's columns line up. */
    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    static DeadLetterReport of(DeadLetter d) {
        String text = TaskOutcome.utf8(d.body);
        return new DeadLetterReport(d.seq, d.attempts, error(d.errorClass, d.errorMessage), d.errorClass,
                d.errorMessage, d.stack.isEmpty() ? List.of() : d.stack.lines().toList(), d.value, d.payload, d.slot,
                utc(d.failedAtMillis), d.failedAtMillis, Arrays.stream(d.retriedAs).boxed().toList(),
                text != null ? text : Base64.getEncoder().encodeToString(d.body),
                text != null ? UTF_8 : BASE64);
    }

    /** {@code millis} since the epoch as ISO-8601 in UTC with milliseconds. */
    static String utc(long millis) {
        return UTC_MILLIS.format(Instant.ofEpochMilli(millis));
    }

    /** The error as {@link Throwable#toString()} writes it; only the message when the class was not recorded. */
    static String error(String errorClass, String errorMessage) {
        if (errorClass.isEmpty())
            return errorMessage;
        return errorMessage.isEmpty() ? errorClass : errorClass + ": " + errorMessage;
    }
}
