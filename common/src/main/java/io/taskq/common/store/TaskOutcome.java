package io.taskq.common.store;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * One task's outcome as the results log holds it: done ({@link Status#OK}) with the handler's result, or dead with
 * its last error. Immutable; what {@link ResultsReader} hands out.
 *
 * @param seq           the task's seq
 * @param status        done or dead
 * @param body          the handler's result body (empty if it set none); for a dead task, its last error as UTF-8
 * @param value         the handler's integer result (0 when dead)
 * @param payload       the handler's floating-point result (0 when dead)
 * @param slot          the slot that counted it
 * @param attempts      handler calls the task had, the last one included
 * @param handledMillis when it was counted, epoch millis
 * @param latencyNanos  from the put to the outcome
 */
public record TaskOutcome(long seq, Status status, byte[] body, long value, double payload, int slot, int attempts,
                          long handledMillis, long latencyNanos) {

    /** What became of a task. */
    public enum Status {
        /** The handler returned; the task is done. */
        OK,
        /** Its last attempt failed; the task is dead (see {@code taskq dead}). */
        DEAD;

        /** The lower-case name used on the command line and in JSON: {@code ok} or {@code dead}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The body as text if it is valid UTF-8, else null. */
    public String bodyText() {
        return utf8(body);
    }

    /** {@code bytes} as text if they are valid UTF-8, else null: how bodies are shown, as text or in another form. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The body in base64. */
    public String bodyBase64() {
        return Base64.getEncoder().encodeToString(body);
    }
}
