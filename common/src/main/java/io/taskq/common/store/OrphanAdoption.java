package io.taskq.common.store;

import io.taskq.common.TaskQException;

/**
 * Lets a live consumer take over the unfinished work of an orphaned slot, so that work claimed by a consumer that
 * is gone for good is finished without waiting for a consumer with that index to come back.
 * <p>
 * A slot is <em>orphaned</em> when its owner process is gone (dead, or it stopped and released the slot), its
 * heartbeat is older than the lease, and it has unfinished work: claimed seqs it has not finished, tasks in backoff
 * (retry entries), or a dead letter it announced but may not have written. Adopter {@code A} takes orphan {@code X}'s
 * work in these steps, each one write or CAS:
 * <ol>
 *     <li>take {@code X} with one CAS of its owner word, from the dead owner's word to {@code A}'s, marked as a
 *     hold ({@link ResultSlot#holdingWord}); a live owner (a restarted consumer, another adopter) cannot be
 *     displaced, so two adopters never take one orphan;</li>
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
 * <b>A stopped owner.</b> A slot whose owner process still runs but whose heartbeat is older than the lease (stopped
 * with SIGSTOP, swapped out, in a very long GC pause) is <em>frozen</em>. Its owner may resume at any instruction,
 * so the adopter writes none of its figures or retry entries; it fences it instead ({@link #takeOverFrozen}):
 * <ol>
 *     <li>take {@code X}'s owner word by CAS (so two adopters never meet), settle what an earlier adopter left
 *     undecided on {@code X}, and confirm {@code X}'s pending claim if the claim cursor shows it won (helping,
 *     as any claimer would);</li>
 *     <li>read {@code X}'s figures, claim and valid retry entries at selector {@code v}, and check that the selector
 *     still reads {@code v}: that is {@code X}'s state until its next publish;</li>
 *     <li>record the ADOPTING claim and the tagged entries in {@code A} as above, and publish {@code A};</li>
 *     <li>write {@code X}'s fence copy: the figures at {@code v} with the moved batch closed and
 *     {@code movedToken} = the token;</li>
 *     <li>fence {@code X}: one CAS of its selector from {@code v} to {@code v | FENCED}. This is the decision point:
 *     it fails if {@code X} published meanwhile (then {@code A} drops its claim), and once it succeeds no publish
 *     of {@code X}'s can land, and {@code X}'s entries no longer count;</li>
 *     <li>confirm {@code A}'s claim, clear the tags and {@code X}'s adopter, and give {@code X} back to its
 *     owner's word, which still names a live process.</li>
 * </ol>
 * The stopped owner, once it resumes, fails its next publish and halts; a claim it wins after the fence is its own
 * unfinished batch, adopted as usual once it is gone. Its announced dead letter, if any, stays in the fence copy and
 * is written by whoever takes the slot after the owner is gone. A slot stopped in the middle of an adoption of its
 * own (claim status ADOPTING), or marked timed out, is left alone until it resumes or is gone.
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
    private final ResultsLog results;

    public OrphanAdoption(Ledger ledger, SlotTable slots, ClaimProtocol claims, DeadLetterRecovery deadLetters,
                          TimeoutRecovery timeouts) {
        this(ledger, slots, claims, deadLetters, timeouts, null);
    }

    /**
     * @param results the results log, whose record of a commit that never landed in an orphan is voided before the
     *                orphan's figures are published (null: no results log, for tests of the protocol alone)
     */
    public OrphanAdoption(Ledger ledger, SlotTable slots, ClaimProtocol claims, DeadLetterRecovery deadLetters,
                          TimeoutRecovery timeouts, ResultsLog results) {
        this.results = results;
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
     * True if slot {@code x}'s owner process still runs but has not stamped its heartbeat for longer than
     * {@code leaseMillis} while it has unfinished work it could hand over (a batch or retry entries), and its work
     * has not been taken over yet. Reads only; any process.
     */
    public static boolean frozen(int x, ResultSlot slot, SlotFigures scratch, long[] retries, long cursorWord,
                                 long leaseMillis, long nowMillis) {
        long heartbeat = slot.heartbeatMillis();
        if (nowMillis - heartbeat <= leaseMillis || slot.fenced() || slot.timedOut()
                || ResultSlot.holding(slot.ownerWord())
                || ResultSlot.claimStatus(slot.claimWord()) == ResultSlot.CLAIM_NONE && slot.retryHighWater() == 0)
            return false;
        slot.readFiguresAndRetries(scratch, retries);
        boolean unfinished = ClaimProtocol.nextInFlight(x, slot, scratch, cursorWord) >= 0 || retries[0] > 0;
        return isFrozen(unfinished, heartbeat, ResultSlot.heldByLiveProcess(slot.ownerWord()), false, leaseMillis,
                nowMillis);
    }

    /**
     * The frozen rule, beside the orphan rule: unfinished work, a heartbeat older than the lease, a live owner, and
     * not fenced yet.
     */
    public static boolean isFrozen(boolean unfinished, long heartbeatMillis, boolean heldByLiveProcess,
                                   boolean fenced, long leaseMillis, long nowMillis) {
        return unfinished && nowMillis - heartbeatMillis > leaseMillis && heldByLiveProcess && !fenced;
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
        lastFenced = -1;
        leaseMillisOfScan = leaseMillis;
        for (int x = 0; x < slots.size(); x++) {
            if (x == index)
                continue;
            ResultSlot orphan = slots.slot(x);
            releaseDeadHold(slots, x);
            long adopted = -1;
            if (orphaned(x, orphan, scratch, retries, ledger.claimCursor(), leaseMillis, nowMillis))
                adopted = adopt(index, mine, myOwnerWord, myFigures, myRetries, x, orphan);
            else if (frozen(x, orphan, scratch, retries, ledger.claimCursor(), leaseMillis, nowMillis))
                adopted = takeOverFrozen(index, mine, myOwnerWord, myFigures, myRetries, x, orphan);
            if (adopted >= 0)
                return adopted;
        }
        return 0;
    }

    /** The slot whose stopped owner the last {@link #adoptOne} fenced, or -1: for the adopter's log. */
    private int lastFenced = -1;
    private long leaseMillisOfScan;

    /** The slot whose stopped owner the last {@link #adoptOne} fenced to take its work over, or -1 if none. */
    public int lastFenced() {
        return lastFenced;
    }

    /**
     * Takes over the work of slot {@code x}, whose owner process runs but is stopped, by fencing it (see the class
     * comment); -1 if it turned out to be running, or there was nothing to take, or no room for its retries.
     */
    private long takeOverFrozen(int index, ResultSlot mine, long myOwnerWord, SlotFigures myFigures,
                                RetryTable myRetries, int x, ResultSlot frozen) {
        long owner = frozen.ownerWord();
        long hold = ResultSlot.holdingWord(myOwnerWord);
        if (ResultSlot.holding(owner) || !ResultSlot.heldByLiveProcess(owner) || !hold(mine, x, frozen, owner, hold))
            return -1;
        try {
            if (System.currentTimeMillis() - frozen.heartbeatMillis() <= leaseMillisOfScan)
                return -1; // a consumer with its index took it just now, and stamped its heartbeat
            settleAdopterOf(slots, frozen);
            long word = frozen.claimWord();
            if (ResultSlot.claimStatus(word) == ResultSlot.CLAIM_PENDING
                    && ledger.claimCursor() == Ledger.cursorWord(ResultSlot.claimHi(word), x))
                frozen.confirmClaim(ResultSlot.claimHi(word)); // its cursor CAS won: helping, as any claimer does
            // Its state at selector v. Until its next publish, nothing of it that counts can change.
            long v = frozen.selector();
            frozen.readFigures(scratch);
            word = frozen.claimWord();
            long cursor = ledger.claimCursor();
            int entries = 0;
            int high = frozen.retryHighWater();
            long[] entry = new long[3];
            long[][] taken = new long[high][];
            for (int i = 0; i < high; i++) {
                if (frozen.readRetryEntryIfValid(i, v, word, entry))
                    taken[entries++] = entry.clone();
            }
            if (frozen.selector() != v || ResultSlot.claimStatus(word) == ResultSlot.CLAIM_ADOPTING)
                return -1; // it runs after all, or it stopped in the middle of an adoption of its own
            long next = ClaimProtocol.nextInFlight(x, frozen, scratch, cursor);
            if (frozen.claimWord() != word)
                return -1; // it claimed, or was helped, meanwhile: look again at the next scan
            if (next < 0 && entries == 0 || entries > myRetries.room())
                return -1;
            long claimHi = ResultSlot.claimHi(word);
            long lo = next >= 0 ? next : claimHi;
            long token = mine.newAdoptToken();
            frozen.adopter(index);
            mine.recordAdoptionIntent(lo, claimHi, x);
            for (int i = 0; i < entries; i++)
                myRetries.add(taken[i][0], taken[i][1], taken[i][2], token);
            publishOwn(index, mine, myFigures);
            if (next >= 0) {
                scratch.batchLo = frozen.claimLo();
                scratch.batchHi = claimHi;
                scratch.doneUpTo = claimHi;
            }
            scratch.movedToken = token;
            frozen.writeFenceCopy(scratch);
            boolean won = frozen.fence(v);
            mine.decideAdoption(claimHi, won);
            mine.cleanRetryEntries(); // clears the tags if won, frees the entries if lost
            frozen.adopter(-1);
            if (!won) {
                myRetries.load();
                return -1;
            }
            long moved = next >= 0 ? claimHi - next : 0;
            mine.countAdopted(moved + entries);
            lastFenced = x;
            return moved;
        } finally {
            unhold(mine, frozen, hold, owner);
        }
    }

    /**
     * Publishes the adopter's own figures with the running owner's CAS.
     *
     * @throws TaskQException with {@link TaskQException#EXIT_TAKEN_OVER} if the adopter's own slot was fenced: it
     *     was stopped itself, and its work was taken over
     */
    private static void publishOwn(int index, ResultSlot mine, SlotFigures myFigures) {
        if (!mine.publishFiguresIfCurrent(myFigures))
            throw new TaskQException(TaskQException.EXIT_TAKEN_OVER, "slot " + index
                    + ": its work was taken over by another consumer while this consumer was stopped");
    }

    /** Adopts {@code x}'s work; -1 if there was none after all, or no room for its retries. */
    private long adopt(int index, ResultSlot mine, long myOwnerWord, SlotFigures myFigures, RetryTable myRetries,
                       int x, ResultSlot orphan) {
        long previousOwner = orphan.ownerWord();
        long hold = ResultSlot.holdingWord(myOwnerWord);
        // A hold of a dead adopter is given back first (releaseDeadHold): the process it displaced may still run.
        if (ResultSlot.heldByLiveProcess(previousOwner) || ResultSlot.holding(previousOwner)
                || !hold(mine, x, orphan, previousOwner, hold))
            return -1;
        try {
            settleAdopterOf(slots, orphan);
            settleOwnAdoption(slots, orphan);
            claims.settle(x, orphan);
            orphan.cleanRetryEntries();
            if (results != null && results.exists(x)) {
                try (ResultsLog.Writer w = results.writer(x)) {
                    w.voidUnpublished(orphan.selectorCount());
                }
            }
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
            publishOwn(index, mine, myFigures);
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
            unhold(mine, orphan, hold, ResultSlot.releasedWord(previousOwner));
        }
    }

    /** Takes slot {@code x} as an adopter: records the hold in {@code mine}, then one CAS of {@code x}'s owner word. */
    private static boolean hold(ResultSlot mine, int x, ResultSlot taken, long expected, long hold) {
        mine.recordHold(x, expected, hold);
        if (taken.casOwner(expected, hold))
            return true;
        mine.clearHold();
        return false;
    }

    private static void unhold(ResultSlot mine, ResultSlot taken, long hold, long giveBack) {
        taken.casOwner(hold, giveBack);
        mine.clearHold();
    }

    /**
     * Gives slot {@code x} back to the owner word an adopter replaced, if that adopter holds it and its process is
     * gone: it was killed while it held the slot. Until then the slot's owner cannot be judged (the process the hold
     * displaced may be a stopped consumer that still runs), so call this before judging a slot's owner. Finds the
     * adopter by the hold record in its own slot.
     */
    public static void releaseDeadHold(SlotTable slots, int x) {
        ResultSlot held = slots.slot(x);
        long word = held.ownerWord();
        if (!ResultSlot.holding(word) || ResultSlot.heldByLiveProcess(word))
            return;
        for (int h = 0; h < slots.size(); h++) {
            ResultSlot holder = slots.slot(h);
            if (holder.holdIndex() == x && holder.holdWord() == word) {
                held.casOwner(word, holder.holdFrom());
                return;
            }
        }
    }

    /**
     * Gives back the slot this slot's previous consumer held as an adopter when it was killed, and clears the record.
     * Call right after taking the slot, before it holds anything.
     */
    public static void settleOwnHold(SlotTable slots, ResultSlot mine) {
        int x = mine.holdIndex();
        if (x < 0)
            return;
        if (x < slots.size()) {
            ResultSlot held = slots.slot(x);
            long word = mine.holdWord();
            if (held.ownerWord() == word && !ResultSlot.heldByLiveProcess(word))
                held.casOwner(word, mine.holdFrom());
        }
        mine.clearHold();
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
