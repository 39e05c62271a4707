package io.taskq.common.wire;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/** A dead task put back as a new task by {@code taskq dead retry}: the dead seq, the new seq and when. */
public final class DeadRetried extends SelfDescribingMarshallable {
    public long seq;
    public long newSeq;
    public long atMillis;
}
