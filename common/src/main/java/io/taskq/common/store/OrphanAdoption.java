package io.taskq.common.store;

/**
 * Lets a live consumer take over the unfinished batch of an orphaned slot, so that work claimed by a consumer that
 * is gone for good is finished without waiting for a consumer with that index to come back.
 * <p>
 * A slot is <em>orphaned</em> when its owner process is gone (dead, or it stopped and released the slot), its
 * heartbeat is older than the lease, and it has claimed seqs it has not finished. Adopter {@code A} takes orphan
 * {@code X}'s rest {@code [next, hi)} in these steps, each one write or CAS:
 * <ol>
 *     <li>take {@code X} with one CAS of its owner word, from the dead owner's word to {@code A}'s; a live owner
 *     (a restarted consumer, another adopter) cannot be displaced, so two adopters never take one orphan;</li>
 *     <li>settle what an earlier adopter of {@code X} left undecided, then {@code X}'s own undecided adoption or
 *     pending claim ({@link ClaimProtocol#settle}), and read where its batch stands;</li>
 *     <li>name {@code A} as {@code X}'s adopter;</li>
 *     <li>record in {@code A} an ADOPTING claim of {@code [next, hi)} from {@code X};</li>
 *     <li>close {@code X}'s batch: publish {@code X}'s figures with {@code doneUpTo = hi}, counting nothing;</li>
 *     <li>confirm {@code A}'s claim, clear {@code X}'s adopter and give {@code X} back, released, to the
 *     original owner's word.</li>
 * </ol>
 * A kill between any two steps is decidable afterwards: an ADOPTING claim won if and only if {@code X}'s figures
 * show the batch closed. Nobody else writes {@code X}'s figures before that is decided, because whoever takes
 * {@code X} next (a restarted consumer with its index, or another adopter) first settles the adopter that
 * {@code X} names ({@link #settleAdopterOf}), and a restarted {@code A} settles its own claim
 * ({@link #settleOwnAdoption}). Both decide with one CAS from ADOPTING, so they cannot disagree. The adopted tasks
 * are then handled and counted in {@code A}'s slot like any claimed batch.
 * <p>
 * No step takes a lock, so nothing waits on a dead process. Thread-safe; a consumer adopts into its own slot only.
 */
public final class OrphanAdoption {
    private final Ledger ledger;
    private final SlotTable slots;
    private final ClaimProtocol claims;
    private final SlotFigures scratch = new SlotFigures();

    public OrphanAdoption(Ledger ledger, SlotTable slots, ClaimProtocol claims) {
        this.ledger = ledger;
        this.slots = slots;
        this.claims = claims;
    }

    /**
     * True if slot {@code x} has claimed seqs its owner will not finish: the owner is gone, its heartbeat is older
     * than {@code leaseMillis}, and an unfinished batch is recorded. Reads only; any process.
     */
    public static boolean orphaned(int x, ResultSlot slot, SlotFigures scratch, long cursorWord, long leaseMillis,
                                   long nowMillis) {
        long heartbeat = slot.heartbeatMillis();
        // Cheap reads first: most slots have no claim in hand or a fresh heartbeat.
        if (ResultSlot.claimStatus(slot.claimWord()) == ResultSlot.CLAIM_NONE
                || !isOrphan(true, heartbeat, false, leaseMillis, nowMillis))
            return false;
        slot.readFigures(scratch);
        if (ClaimProtocol.nextInFlight(x, slot, scratch, cursorWord) < 0)
            return false;
        return isOrphan(true, heartbeat, ResultSlot.heldByLiveProcess(slot.ownerWord()), leaseMillis, nowMillis);
    }

    /**
     * The orphan rule, the one place it is written: a slot with an unfinished batch, whose heartbeat is older than the
     * lease, and which no live process holds. Adoption applies it to a slot as it is now ({@link #orphaned}); status
     * and doctor apply it to a {@link SlotSnapshot}.
     */
    public static boolean isOrphan(boolean unfinishedBatch, long heartbeatMillis, boolean heldByLiveProcess,
                                   long leaseMillis, long nowMillis) {
        return unfinishedBatch && nowMillis - heartbeatMillis > leaseMillis && !heldByLiveProcess;
    }

    /**
     * Looks for one orphaned slot and takes over the rest of its batch into slot {@code index}, which must have
     * no unfinished batch.
     *
     * @return the number of seqs taken over, from {@code mine.claimLo()}; 0 if there was no orphan to adopt
     */
    public long adoptOne(int index, ResultSlot mine, long myOwnerWord, long leaseMillis, long nowMillis) {
        for (int x = 0; x < slots.size(); x++) {
            if (x == index)
                continue;
            ResultSlot orphan = slots.slot(x);
            if (!orphaned(x, orphan, scratch, ledger.claimCursor(), leaseMillis, nowMillis))
                continue;
            long adopted = adopt(index, mine, myOwnerWord, x, orphan);
            if (adopted > 0)
                return adopted;
        }
        return 0;
    }

    private long adopt(int index, ResultSlot mine, long myOwnerWord, int x, ResultSlot orphan) {
        long previousOwner = orphan.ownerWord();
        if (ResultSlot.heldByLiveProcess(previousOwner) || !orphan.casOwner(previousOwner, myOwnerWord))
            return 0;
        try {
            settleAdopterOf(slots, orphan);
            settleOwnAdoption(slots, orphan);
            claims.settle(x, orphan);
            orphan.readFigures(scratch);
            long hi = ResultSlot.claimHi(orphan.claimWord());
            long next = ClaimProtocol.nextInFlight(x, orphan, scratch, ledger.claimCursor());
            if (next < 0)
                return 0; // finished or given up meanwhile
            orphan.adopter(index);
            mine.recordAdoptionIntent(next, hi, x);
            scratch.batchLo = orphan.claimLo();
            scratch.batchHi = hi;
            scratch.doneUpTo = hi;
            orphan.publishFigures(scratch);
            mine.decideAdoption(hi, true);
            orphan.adopter(-1);
            mine.countAdopted(hi - next);
            return hi - next;
        } finally {
            orphan.casOwner(myOwnerWord, ResultSlot.releasedWord(previousOwner));
        }
    }

    /**
     * Decides the adopting claim that the slot named as {@code taken}'s adopter left pending, if any. Call right
     * after taking {@code taken} over, before changing anything in it.
     */
    public static void settleAdopterOf(SlotTable slots, ResultSlot taken) {
        int adopter = taken.adopter();
        if (adopter < 0 || adopter >= slots.size())
            return;
        ResultSlot a = slots.slot(adopter);
        if (a.adoptedFrom() == taken.index())
            decide(slots, a);
        taken.adopter(-1);
    }

    /** Decides this slot's own adopting claim, left pending by a killed owner. Call right after taking the slot. */
    public static void settleOwnAdoption(SlotTable slots, ResultSlot mine) {
        decide(slots, mine);
    }

    private static void decide(SlotTable slots, ResultSlot adopter) {
        long word = adopter.claimWord();
        if (ResultSlot.claimStatus(word) != ResultSlot.CLAIM_ADOPTING)
            return;
        long hi = ResultSlot.claimHi(word);
        int from = adopter.adoptedFrom();
        boolean won = false;
        if (from >= 0 && from < slots.size()) {
            SlotFigures f = new SlotFigures();
            slots.slot(from).readFigures(f);
            won = f.batchHi == hi && f.doneUpTo >= hi;
        }
        adopter.decideAdoption(hi, won);
    }
}
