package io.taskq.common.wire;

/**
 * The events of the dead-letter queue ({@code dead/}) as a Chronicle method interface, written and read through
 * Chronicle's method writer and reader, so that {@code ChronicleReaderMain -d dead/ -r
 * io.taskq.common.wire.DeadLetterEvents} prints them as text. Dead letters are rare, so they are self-describing.
 */
public interface DeadLetterEvents {
    /** A task that failed its last attempt. */
    void dead(DeadLetter letter);

    /** A dead task put back as a new task. */
    void retried(DeadRetried retried);

    /** Everything before this is purged. */
    void purged(DeadPurged purged);
}
