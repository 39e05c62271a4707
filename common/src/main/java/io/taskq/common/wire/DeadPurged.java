package io.taskq.common.wire;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

/** {@code taskq dead purge}: every dead letter written before this record is gone from the listing. */
public final class DeadPurged extends SelfDescribingMarshallable {
    public long atMillis;
}
