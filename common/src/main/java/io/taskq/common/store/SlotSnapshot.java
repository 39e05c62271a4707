package io.taskq.common.store;

/**
 * What one used slot looked like at one moment, for status, join and the demo summary. Immutable.
 *
 * @param index     the consumer index
 * @param pid       the owner's pid, 0 if never owned
 * @param alive     whether that pid is a running process (with the recorded start time)
 * @param state     the slot's life-cycle state
 * @param heartbeatMillis the owner's last heartbeat, epoch millis
 * @param ownerSinceMillis when the current owner took the slot, epoch millis
 * @param restarts  how many times an owner took over an unfinished batch in this slot
 * @param figures   a consistent copy of the figures
 * @param nextInFlight the next seq of the unfinished batch, or -1
 * @param claimHi   the end of the last claim, exclusive
 * @param attempts  handler calls; {@code attempts - done - failures} were calls repeated after a kill
 * @param adopted   tasks this slot took over from orphaned slots
 * @param retrying  tasks of this slot waiting in backoff for another attempt
 * @param fenced    whether another consumer took this slot's work over while its owner was stopped, and nobody has
 *                  taken the slot since (see {@link ResultSlot#FENCED})
 */
public record SlotSnapshot(int index, long pid, boolean alive, SlotState state, long heartbeatMillis,
                           long ownerSinceMillis, long restarts, SlotFigures figures, long nextInFlight, long claimHi,
                           long attempts, long adopted, long retrying, boolean fenced) {

    /** Failed handler calls this slot recorded. */
    public long failures() {
        return figures.failures;
    }

    /** Tasks this slot dead-lettered. */
    public long dead() {
        return figures.dead;
    }

    /** Handler calls repeated because a consumer was killed before the call's outcome was recorded. */
    public long repeats() {
        return Math.max(0, attempts - figures.done - figures.failures);
    }

    /** Seqs claimed by this slot and not yet done. */
    public long inFlight() {
        return nextInFlight < 0 ? 0 : claimHi - nextInFlight;
    }
}
