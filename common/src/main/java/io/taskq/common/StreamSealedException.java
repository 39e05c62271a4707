package io.taskq.common;

/**
 * A put into a stream that is sealed: the stream ended at {@link #sealedAt()} tasks and takes no more. Not a bug in
 * the caller when another process sealed the stream meanwhile; the put wrote nothing. Exit code 2 on the command line.
 */
public final class StreamSealedException extends TaskQException {
    private final long sealedAt;

    public StreamSealedException(long sealedAt) {
        super(EXIT_USAGE, "the stream is sealed at " + sealedAt + " tasks; no more puts are accepted");
        this.sealedAt = sealedAt;
    }

    /** The final task count of the stream. */
    public long sealedAt() {
        return sealedAt;
    }
}
