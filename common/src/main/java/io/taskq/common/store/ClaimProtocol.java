package io.taskq.common.store;

/**
 * Hands out batches of seqs to competing consumers so that no seq goes to two consumers and none is skipped,
 * even when a consumer is killed between any two instructions.
 * <p>
 * The claim cursor in the {@link Ledger} holds the next unclaimed seq and the slot that made the last claim. A
 * consumer:
 * <ol>
 *     <li>confirms the previous claimer's claim if it is still pending (helping, so a claim is always
 *     confirmed before the cursor moves past it);</li>
 *     <li>records its intent {@code [lo, hi)} in its own slot, with {@code hi = min(lo + batch, submitted)}, so it
 *     claims only tasks that exist;</li>
 *     <li>moves the cursor from {@code (lo, previous)} to {@code (hi, itself)} with one CAS;</li>
 *     <li>confirms its own claim (or drops the intent if the CAS lost).</li>
 * </ol>
 * A claim left pending by a killed consumer is therefore decidable afterwards: it won if and only if the cursor
 * still names it ({@code (hi, slot)}), because any later claimer would have confirmed it first.
 * <p>
 * Thread-safe; each consumer uses its own slot only.
 */
public final class ClaimProtocol {
    private final Ledger ledger;
    private final SlotTable slots;

    public ClaimProtocol(Ledger ledger, SlotTable slots) {
        this.ledger = ledger;
        this.slots = slots;
    }

    /**
     * Claims up to {@code batch} tasks that already exist for slot {@code index}.
     *
     * @return the number of seqs claimed, from {@link ResultSlot#claimLo()}; 0 when nothing is unclaimed
     */
    public long claim(int index, ResultSlot mine, int batch) {
        for (; ; ) {
            long word = ledger.claimCursor();
            long lo = Ledger.claimPosition(word);
            int previous = Ledger.claimOwner(word);
            if (previous >= 0 && previous != index)
                slots.slot(previous).confirmClaim(lo);
            long submitted = ledger.submitted();
            if (lo >= submitted)
                return 0;
            long hi = Math.min(lo + batch, submitted);
            mine.recordClaimIntent(lo, hi);
            if (ledger.casClaimCursor(word, Ledger.cursorWord(hi, index))) {
                mine.confirmClaim(hi);
                return hi - lo;
            }
            mine.abandonClaim(hi);
        }
    }

    /**
     * Settles a claim a dead owner of this slot left pending: confirms it if its CAS had won, drops it otherwise.
     * Call once, after taking ownership of the slot and before handling anything.
     */
    public void settle(int index, ResultSlot slot) {
        long word = slot.claimWord();
        if (ResultSlot.claimStatus(word) != ResultSlot.CLAIM_PENDING)
            return;
        long hi = ResultSlot.claimHi(word);
        if (ledger.claimCursor() == Ledger.cursorWord(hi, index))
            slot.confirmClaim(hi);
        else
            slot.abandonClaim(hi);
    }

    /**
     * The next seq this slot still has to handle in its claimed batch, or -1 if it has no unfinished batch.
     * {@code figures} must be a current copy of the slot's figures; {@code cursorWord} the claim cursor read
     * before the slot.
     */
    public static long nextInFlight(int index, ResultSlot slot, SlotFigures figures, long cursorWord) {
        long word = slot.claimWord();
        int status = ResultSlot.claimStatus(word);
        long hi = ResultSlot.claimHi(word);
        // An undecided adoption counts as in flight here as well as in the slot it adopts from: the watermark must
        // stay below the batch until it is done, whoever finishes it.
        boolean owned = status == ResultSlot.CLAIM_CONFIRMED || status == ResultSlot.CLAIM_ADOPTING
                || (status == ResultSlot.CLAIM_PENDING && cursorWord == Ledger.cursorWord(hi, index));
        if (!owned)
            return -1;
        long lo = slot.claimLo();
        long next = figures.batchHi == hi && figures.batchLo == lo ? figures.doneUpTo : lo;
        return next < hi ? next : -1;
    }
}
