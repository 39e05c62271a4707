package io.taskq.common.wire;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/**
 * The end-of-stream control excerpt as a DTO, for Chronicle's reader ({@link TaskEvents}): {@code submitted} is the
 * final task count. TaskQ itself reads and writes this excerpt field by field ({@link Excerpts}); it is written once
 * per stream, so its cost does not matter.
 */
public final class EndOfStream extends SelfDescribingMarshallable {
    private long submitted;

    public long submitted() {
        return submitted;
    }
}
