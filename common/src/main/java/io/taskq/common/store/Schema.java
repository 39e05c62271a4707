package io.taskq.common.store;

/**
 * The version of everything TaskQ writes to a data directory. A process refuses files of another version and
 * says both versions. Bump it whenever the ledger, the slot layout or the excerpt format changes.
 */
public final class Schema {
    public static final int VERSION = 5;

    /** "TASKQLDG" in ASCII. */
    static final long LEDGER_MAGIC = 0x5441534B514C4447L;
    /** "TASKQSLT" in ASCII. */
    static final long SLOT_MAGIC = 0x5441534B51534C54L;

    private Schema() {
    }
}
