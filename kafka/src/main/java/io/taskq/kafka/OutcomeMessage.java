package io.taskq.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.store.TaskOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * The value of a record in the results topic: one task record's outcome, as JSON (UTF-8). The first fields are those
 * of a line of {@code taskq results --json} on the host that ran the task; then the task record's key (text, or
 * base64 per {@code keyEncoding}), topic, partition and offset, and the host's id. Scripts read these names: do not
 * rename or reorder them, add new ones at the end.
 *
 * @param seq             the task's seq on the host that ran it
 * @param status          {@code ok} or {@code dead}
 * @param body            the handler's result body, or a dead task's last error (text or base64)
 * @param bodyEncoding    {@code utf-8} or {@code base64}
 * @param slot            the consumer slot that counted it
 * @param attempts        handler calls
 * @param value           the handler's integer result
 * @param payload         the handler's floating-point result
 * @param handledAt       when, ISO-8601 UTC with milliseconds
 * @param handledAtMillis when, epoch millis
 * @param latencyNanos    from the put on the host to the outcome
 * @param key             the task record's key (text or base64); for a record without a key,
 *                        {@code topic/partition/offset}
 * @param keyEncoding     {@code utf-8} or {@code base64}
 * @param topic           the task record's topic
 * @param partition       its partition
 * @param offset          its offset
 * @param host            the bridge's host id
 */
public record OutcomeMessage(long seq, String status, String body, String bodyEncoding, int slot, int attempts,
                             long value, double payload, String handledAt, long handledAtMillis, long latencyNanos,
                             String key, String keyEncoding, String topic, int partition, long offset, String host) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String UTF_8 = "utf-8";
    private static final String BASE64 = "base64";

    /** The message for {@code outcome} of the task put from {@code origin} by host {@code host}. */
    public static OutcomeMessage of(TaskOutcome outcome, Origin origin, String host) {
        String text = outcome.bodyText();
        byte[] key = resultKey(origin);
        String keyText = TaskOutcome.utf8(key);
        return new OutcomeMessage(outcome.seq(), outcome.status().label(),
                text != null ? text : outcome.bodyBase64(), text != null ? UTF_8 : BASE64, outcome.slot(),
                outcome.attempts(), outcome.value(), outcome.payload(),
                formatInstant(outcome.handledMillis()), outcome.handledMillis(),
                outcome.latencyNanos(), keyText != null ? keyText : Base64.getEncoder().encodeToString(key),
                keyText != null ? UTF_8 : BASE64, origin.topic(), origin.partition(), origin.offset(), host);
    }

    /** {@code millis} as {@code handledAt} writes it: ISO-8601 UTC with milliseconds. */
    static String formatInstant(long millis) {
        return UTC_MILLIS.format(Instant.ofEpochMilli(millis));
    }

    /** The key of the outcome's record: the task record's key, or {@code topic/partition/offset} if it had none. */
    public static byte[] resultKey(Origin origin) {
        if (origin.key() != null)
            return origin.key();
        return (origin.topic() + "/" + origin.partition() + "/" + origin.offset()).getBytes(StandardCharsets.UTF_8);
    }

    /** This message as the JSON bytes of a results record. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This message as one line of JSON. */
    public String toJsonLine() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a results record's value.
     *
     * @throws UncheckedIOException if it is not such a message
     */
    public static OutcomeMessage parse(byte[] json) {
        try {
            return JSON.readValue(json, OutcomeMessage.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a TaskQ outcome message", e);
        }
    }
}
