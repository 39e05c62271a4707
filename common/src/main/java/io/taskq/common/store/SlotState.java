package io.taskq.common.store;

/** Life cycle of a result slot, as stored in the slot's state word. */
public enum SlotState {
    /** Never owned by a consumer. */
    UNUSED,
    /** Owned by a live consumer that has no work in hand. */
    IDLE,
    /** Owned by a live consumer that is handling a batch. */
    RUNNING,
    /** Its last owner stopped cleanly. */
    EXITED;

    private static final SlotState[] VALUES = values();

    static SlotState of(long code) {
        return code >= 0 && code < VALUES.length ? VALUES[(int) code] : null;
    }
}
