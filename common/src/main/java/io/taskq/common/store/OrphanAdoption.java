package io.taskq.common.store;

/**
 * Lets a live consumer take over the unfinished work of an orphaned slot, so that work claimed by a consumer that
 * is gone for good is finished without waiting for a consumer with that index to come back.
 * <p>
 * A slot is <em>orphaned</em> when its owner process is gone (dead, or it stopped and released the slot), its
 * heartbeat is older than the lease, and it has unfinished work: claimed seqs it has not finished, tasks in backoff
 * (retry entries), or a dead letter it announced but may not have written. Adopter {@code A} takes orphan {@code X}'s
 * work in these steps, each one write or CAS:
 * <ol>
 *     <li>take {@code X} with one CAS of its owner word, from the dead owner's word to {@code A}'s; a live owner
 *     (a restarted consumer, another adopter) cannot be displaced, so two adopters never take one orphan;</li>
 *     <li>settle what an earlier adopter of {@code X} left undecided, then {@code X}'s own undecided adoption or
 *     pending claim ({@link ClaimProtocol#settle}), drop retry entries a kill left half-written, count a call its
 *     consumer cut off by its task timeout as failed ({@link TimeoutRecovery}), and read where its work stands;
 *     write {@code X}'s announced dead letter if it is missing;</li>
 *     <li>take a new adopt token in {@code A} and name {@code A} as {@code X}'s adopter;</li>
 *     <li>record in {@code A} an ADOPTING claim of {@code X}'s rest {@code [next, hi)} (empty if only retries are
 *     left);</li>
 *     <li>copy {@code X}'s retry entries into {@code A}, tagged with the token, and publish {@code A}'s figures;
 *     tagged entries count only while the ADOPTING claim is undecided or won;</li>
 *     <li>close {@code X}: publish {@code X}'s figures with the batch finished, its retry entries ended, no pending
 *     dead letter and {@code movedToken} = the token. It counts nothing. This is the decision point;</li>
 *     <li>confirm {@code A}'s claim, clear the tags, clear {@code X}'s adopter and give {@code X} back, released,
 *     to the original owner's word.</li>
 * </ol>
 * A kill between any two steps is decidable afterwards: an ADOPTING claim won if and only if {@code X}'s figures
 * carry its token. Nobody else writes {@code X}'s figures before that is decided, because whoever takes
 * {@code X} next (a restarted consumer with its index, or another adopter) first settles the adopter that
 * {@code X} names ({@link #settleAdopterOf}), and a restarted {@code A} settles its own claim
 * ({@link #settleOwnAdoption}). Both decide with one CAS from ADOPTING, so they cannot disagree. The adopted tasks
 * are then handled and counted in {@code A}'s slot like any claimed batch, and its retries like its own.
 * <p>
 * No step takes a lock, so nothing waits on a dead process. Thread-safe; a consumer adopts into its own slot only.
 */
public final class OrphanAdoption {
    private final Ledger ledger;
    private final SlotTable slots;
    private final ClaimProtocol claims;
    private final SlotFigures scratch = new SlotFigures();
    private final long[] retries = new long[2];
    private final DeadLetterRecovery deadLetters;

    /** Writes the dead letter a killed slot announced in its figures, unless it is already in the queue. */
    public interface DeadLetterRecovery {
        /**
         * Makes sure slot {@code slot}'s dead letter {@code figures.deadSerial}, for task {@code
         * figures.pendingDeadSeq} after {@code figures.pendingDeadAttempts} attempts, is in the dead-letter queue.
         */
        void ensureWritten(int slot, SlotFigures figures);
    }

    /** Counts the handler call a slot's consumer cut off by its task timeout as a failed attempt, in that slot. */
    public interface TimeoutRecovery {
        /** Records slot {@code slot}'s timed-out call ({@link ResultSlot#timedOut()}) in its figures and retries. */
        void recordTimedOutCall(int slot, ResultSlot timedOut);
    }

    private final TimeoutRecovery timeouts;

    public OrphanAdoption(Ledger ledger, SlotTable slots, ClaimProtocol claims, DeadLetterRecovery deadLetters,
                          TimeoutRecovery timeouts) {
        this.ledger = ledger;
        this.slots = slots;
        this.claims = claims;
        this.deadLetters = deadLetters;
        this.timeouts = timeouts;
    }

    /**
     * True if slot {@code x} has work its owner will not finish: the owner is gone, its heartbeat is older than
     * {@code leaseMillis}, and it has an unfinished batch, retry entries or a dead letter announced but perhaps not
     * written. Reads only; any process.
     */
    public static boolean orphaned(int x, ResultSlot slot, SlotFigures scratch, long[] retries, long cursorWord,
                                   long leaseMillis, long nowMillis) {
        long heartbeat = slot.heartbeatMillis();
        // Cheap reads first: most slots have a fresh heartbeat, or never claimed nor failed anything.
        if (!isOrphan(true, heartbeat, false, leaseMillis, nowMillis)
                || ResultSlot.claimStatus(slot.claimWord()) == ResultSlot.CLAIM_NONE && slot.retryHighWater() == 0)
            return false;
        slot.readFiguresAndRetries(scratch, retries);
        boolean unfinished = ClaimProtocol.nextInFlight(x, slot, scratch, cursorWord) >= 0 || retries[0] > 0
                || scratch.pendingDeadSeq >= 0;
        return isOrphan(unfinished, heartbeat, ResultSlot.heldByLiveProcess(slot.ownerWord()), leaseMillis,
                nowMillis);
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
     * Looks for one orphaned slot and takes over the rest of its work into slot {@code index}, which must have no
     * unfinished batch. {@code myFigures} is the adopter's mirror of its own figures and {@code myRetries} its retry
     * table; both stay current.
     *
     * @return the number of seqs of a batch taken over, from {@code mine.claimLo()}, or 0 if none (retry entries may
     *     still have been taken over: see {@code myRetries})
     */
    public long adoptOne(int index, ResultSlot mine, long myOwnerWord, SlotFigures myFigures, RetryTable myRetries,
                         long leaseMillis, long nowMillis) {
        for (int x = 0; x < slots.size(); x++) {
            if (x == index)
                continue;
            ResultSlot orphan = slots.slot(x);
            if (!orphaned(x, orphan, scratch, retries, ledger.claimCursor(), leaseMillis, nowMillis))
                continue;
            long adopted = adopt(index, mine, myOwnerWord, myFigures, myRetries, x, orphan);
            if (adopted >= 0)
                return adopted;
        }
        return 0;
    }

    /** Adopts {@code x}'s work; -1 if there was none after all, or no room for its retries. */
    private long adopt(int index, ResultSlot mine, long myOwnerWord, SlotFigures myFigures, RetryTable myRetries,
                       int x, ResultSlot orphan) {
        long previousOwner = orphan.ownerWord();
        if (ResultSlot.heldByLiveProcess(previousOwner) || !orphan.casOwner(previousOwner, myOwnerWord))
            return -1;
        try {
            settleAdopterOf(slots, orphan);
            settleOwnAdoption(slots, orphan);
            claims.settle(x, orphan);
            orphan.cleanRetryEntries();
            if (orphan.timedOut())
                timeouts.recordTimedOutCall(x, orphan);
            orphan.readFiguresAndRetries(scratch, retries);
            long claimHi = ResultSlot.claimHi(orphan.claimWord());
            long next = ClaimProtocol.nextInFlight(x, orphan, scratch, ledger.claimCursor());
            int entries = (int) retries[0];
            if (next < 0 && entries == 0 && scratch.pendingDeadSeq < 0)
                return -1; // finished or given up meanwhile
            if (entries > myRetries.room())
                return -1; // no room for its retries now; another consumer, or a later scan, takes it
            if (scratch.pendingDeadSeq >= 0)
                deadLetters.ensureWritten(x, scratch);
            long lo = next >= 0 ? next : claimHi;
            long token = mine.newAdoptToken();
            orphan.adopter(index);
            mine.recordAdoptionIntent(lo, claimHi, x);
            long ended = orphan.nextSelector();
            long selector = orphan.selectorCount();
            for (int i = 0; i < orphan.retryHighWater(); i++) {
                if (orphan.retryEntryValid(i, selector)) {
                    myRetries.add(orphan.retrySeq(i), orphan.retryDueMillis(i), orphan.retryFailures(i), token);
                    orphan.killRetryEntry(i, ended);
                }
            }
            mine.publishFigures(myFigures);
            if (next >= 0) {
                scratch.batchLo = orphan.claimLo();
                scratch.batchHi = claimHi;
                scratch.doneUpTo = claimHi;
            }
            scratch.pendingDeadSeq = -1;
            scratch.movedToken = token;
            orphan.publishFigures(scratch);
            mine.decideAdoption(claimHi, true);
            mine.cleanRetryEntries(); // clears the tags, now that the adoption won
            orphan.adopter(-1);
            long moved = next >= 0 ? claimHi - next : 0;
            mine.countAdopted(moved + entries);
            return moved;
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
            won = f.movedToken != 0 && f.movedToken == adopter.adoptToken();
        }
        adopter.decideAdoption(hi, won);
    }
}
