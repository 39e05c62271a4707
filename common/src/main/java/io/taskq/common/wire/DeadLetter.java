package io.taskq.common.wire;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/**
 * One dead-lettered task, as the dead-letter queue ({@code dead/}) holds it: the task itself, how many handler calls
 * it got, the last error, the slot that gave up on it and when. {@code slot} and {@code serial} identify the record
 * for exactly-once recovery: a slot numbers its dead letters 1, 2, 3, ... Self-describing, so Chronicle's reader shows
 * it as text ({@link DeadLetterEvents}).
 */
public final class DeadLetter extends SelfDescribingMarshallable {
    /** What a dead letter written during recovery says about the error, which the killed consumer did not record. */
    public static final String ERROR_NOT_RECORDED = "not recorded: the consumer stopped before writing its dead letter";

    public long seq;
    public int attempts;
    public int slot;
    public long serial;
    public long failedAtMillis;
    public String errorClass = "";
    public String errorMessage = "";
    /** The first lines of the last error's stack trace, one per line. */
    public String stack = "";
    public long createdNanos;
    public int value;
    public double payload;
    public byte[] body = new byte[0];
    /** Seqs of the tasks a {@code taskq dead retry} put back for this one, in order; empty if never retried. */
    public transient long[] retriedAs = new long[0];
}
