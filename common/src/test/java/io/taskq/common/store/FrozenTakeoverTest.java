package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Taking over the work of a consumer whose process runs but is stopped (heartbeat older than the lease), over a real
 * ledger and results map. The stopped owner is played by this test, writing its slot as the owner would at any
 * point after it resumes; its owner word names a process that runs (this JVM's parent).
 */
class FrozenTakeoverTest {
    static final long LEASE = 10_000;
    /** A live process other than this one: the stopped owner. */
    static final long FROZEN = ResultSlot.ownerWord(ProcessHandle.current().parent().orElseThrow().pid(), 0);
    static final long DEAD = OrphanAdoptionTest.DEAD;

    @TempDir
    Path dir;
    DataDirectory data;
    Ledger ledger;
    ClaimProtocol claims;
    OrphanAdoption adoption;
    final long me = ResultSlot.ownerWord(ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
    long now;

    @BeforeEach
    void open() {
        data = DataDirectory.openOrCreate(dir, 4, RollCycles.FAST_DAILY);
        ledger = data.ledger();
        claims = new ClaimProtocol(ledger, data.slots());
        adoption = new OrphanAdoption(ledger, data.slots(), claims, (slot, f) -> {
            throw new AssertionError("nobody writes a stopped owner's dead letter");
        }, (slot, s) -> {
            throw new AssertionError("no call timed out in these tests");
        });
        ledger.publishSubmitted(1_000);
        now = System.currentTimeMillis();
        assertTrue(ResultSlot.heldByLiveProcess(FROZEN));
    }

    @AfterEach
    void close() {
        data.close();
    }

    /** Slot {@code x}, held by a live process, claims {@code batch} seqs, commits {@code done}, and stops. */
    ResultSlot frozenWithBatch(int x, int batch, int done) {
        ResultSlot s = data.slots().slot(x);
        assertTrue(s.casOwner(s.ownerWord(), FROZEN));
        s.state(SlotState.RUNNING);
        assertEquals(batch, claims.claim(x, s, batch));
        long lo = s.claimLo();
        SlotFigures f = figures(s);
        f.done += done;
        f.sumValue += done;
        f.batchLo = lo;
        f.batchHi = lo + batch;
        f.doneUpTo = lo + done;
        assertTrue(s.publishFiguresIfCurrent(f));
        s.heartbeat(now - 2 * LEASE);
        return s;
    }

    SlotFigures figures(ResultSlot s) {
        SlotFigures f = new SlotFigures();
        s.readFigures(f);
        return f;
    }

    ResultSlot adopterSlot(int index) {
        ResultSlot mine = data.slots().slot(index);
        assertTrue(mine.casOwner(mine.ownerWord(), me));
        mine.heartbeat(now);
        return mine;
    }

    long adoptInto(int index, ResultSlot mine, RetryTable retries) {
        SlotFigures mirror = figures(mine);
        return adoption.adoptOne(index, mine, me, mirror, retries, LEASE, now);
    }

    long adoptInto(int index, ResultSlot mine) {
        RetryTable retries = new RetryTable(mine);
        retries.load();
        return adoptInto(index, mine, retries);
    }

    long inFlight(int x) {
        ResultSlot s = data.slots().slot(x);
        return ClaimProtocol.nextInFlight(x, s, figures(s), ledger.claimCursor());
    }

    long[] retries(ResultSlot s) {
        long[] r = new long[2];
        s.readFiguresAndRetries(new SlotFigures(), r);
        return r;
    }

    @Test
    void shouldTakeOverTheRestOfAStoppedConsumersBatchAndFenceIt() {
        ResultSlot frozen = frozenWithBatch(1, 10, 4);
        ResultSlot mine = adopterSlot(2);
        assertTrue(OrphanAdoption.frozen(1, frozen, new SlotFigures(), new long[2], ledger.claimCursor(), LEASE,
                now));
        assertFalse(OrphanAdoption.orphaned(1, frozen, new SlotFigures(), new long[2], ledger.claimCursor(), LEASE,
                now), "its process runs: not an orphan");

        assertEquals(6, adoptInto(2, mine));
        assertEquals(1, adoption.lastFenced());
        assertTrue(frozen.fenced());
        assertEquals(4, inFlight(2), "the adopter owns [4, 10)");
        assertEquals(-1, inFlight(1), "the stopped consumer's batch is closed by its fence copy");
        SlotFigures f = figures(frozen);
        assertEquals(4, f.done, "it keeps what it counted");
        assertEquals(mine.adoptToken(), f.movedToken);
        assertEquals(FROZEN, frozen.ownerWord(), "given back to its live owner, not released");
        assertEquals(-1, frozen.adopter());
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_CONFIRMED), mine.claimWord());
        assertFalse(OrphanAdoption.frozen(1, frozen, new SlotFigures(), new long[2], ledger.claimCursor(), LEASE,
                now), "taken over once");

        // It resumes: the commit of seq 4 cannot land, whatever it writes first.
        SlotFigures late = new SlotFigures();
        late.copyFrom(f);
        late.done = 5;
        late.doneUpTo = 5;
        late.movedToken = 0;
        assertFalse(frozen.publishFiguresIfCurrent(late));
        assertEquals(4, figures(frozen).done);
        assertEquals(0, adoptInto(2, mine), "nothing left to take");
    }

    @Test
    void shouldTakeOverTheRetriesOfAStoppedConsumerAndIgnoreWhatItWritesAfterTheFence() {
        ResultSlot frozen = frozenWithBatch(1, 10, 10);
        RetryTable theirs = new RetryTable(frozen);
        theirs.load();
        theirs.add(3, now + 60_000, 1, 0);
        theirs.add(7, now + 60_000, 2, 0);
        SlotFigures f = figures(frozen);
        f.failures = 3;
        assertTrue(frozen.publishFiguresIfCurrent(f));
        // After its last publish it wrote one more entry and killed another, for a publish that never lands.
        theirs.add(9, now, 1, 0);
        theirs.remove(0);
        assertEquals(2, retries(frozen)[0]);

        ResultSlot mine = adopterSlot(2);
        RetryTable myRetries = new RetryTable(mine);
        myRetries.load();
        assertEquals(0, adoptInto(2, mine, myRetries), "no batch to take");
        assertEquals(2, myRetries.count(), "seqs 3 and 7 wait in the adopter now");
        assertEquals(2, retries(mine)[0]);
        assertEquals(3, retries(mine)[1]);
        assertEquals(0, retries(frozen)[0], "a fenced slot's entries do not count");
        RetryTable reloaded = new RetryTable(mine);
        mine.cleanRetryEntries();
        reloaded.load();
        assertEquals(2, reloaded.count(), "the adoption won: the tags are cleared, the entries stay");

        // The stopped consumer is gone at last; a consumer with its index takes the slot and unfences it.
        assertTrue(frozen.casOwner(FROZEN, DEAD));
        assertTrue(frozen.casOwner(DEAD, me));
        frozen.cleanRetryEntries();
        SlotFigures mirror = figures(frozen);
        frozen.publishFigures(mirror);
        assertFalse(frozen.fenced());
        assertEquals(0, retries(frozen)[0], "none of its entries come back");
        assertEquals(3, figures(frozen).failures);
    }

    @Test
    void shouldDecideAnAdoptionByTheFenceAlone() {
        ResultSlot frozen = frozenWithBatch(1, 10, 4);
        long v = frozen.selector();
        ResultSlot adopter = data.slots().slot(3);
        assertTrue(adopter.casOwner(adopter.ownerWord(), DEAD));
        long token = adopter.newAdoptToken();
        frozen.adopter(3);
        adopter.recordAdoptionIntent(4, 10, 1);
        SlotFigures fence = figures(frozen);
        fence.doneUpTo = 10;
        fence.movedToken = token;
        frozen.writeFenceCopy(fence);
        // Killed before the fence CAS: the fence copy is not current, so the adoption lost.
        assertEquals(4, figures(frozen).doneUpTo);
        OrphanAdoption.settleOwnAdoption(data.slots(), adopter);
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_NONE), adopter.claimWord());

        // Once the CAS succeeded, whoever decides first finds it won.
        adopter.newAdoptToken();
        fence.movedToken = adopter.adoptToken();
        frozen.writeFenceCopy(fence);
        adopter.recordAdoptionIntent(4, 10, 1);
        assertTrue(frozen.fence(v));
        OrphanAdoption.settleAdopterOf(data.slots(), frozen);
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_CONFIRMED), adopter.claimWord());
        assertFalse(frozen.fence(frozen.selector()), "fenced once");
    }

    @Test
    void shouldNotFenceAConsumerThatPublishedSinceTheSelectorWasRead() {
        ResultSlot frozen = frozenWithBatch(1, 10, 4);
        long v = frozen.selector();
        SlotFigures f = figures(frozen);
        f.done = 5;
        f.doneUpTo = 5;
        assertTrue(frozen.publishFiguresIfCurrent(f));
        assertFalse(frozen.fence(v));
        assertFalse(frozen.fenced());
        assertEquals(5, figures(frozen).done);
    }

    @Test
    void aClaimTheStoppedConsumerWinsAfterTheFenceIsItsOwnUnfinishedBatch() {
        ResultSlot frozen = frozenWithBatch(1, 10, 10);
        RetryTable theirs = new RetryTable(frozen);
        theirs.load();
        theirs.add(5, now + 60_000, 1, 0);
        assertTrue(frozen.publishFiguresIfCurrent(figures(frozen)));
        // It stopped inside a claim of [10, 20): intent recorded, cursor CAS not made yet.
        long cursor = ledger.claimCursor();
        frozen.recordClaimIntent(10, 20);

        ResultSlot mine = adopterSlot(2);
        assertEquals(0, adoptInto(2, mine), "only its retry is taken; the claim is not its yet");
        assertTrue(frozen.fenced());
        assertEquals(ResultSlot.CLAIM_PENDING, ResultSlot.claimStatus(frozen.claimWord()), "left pending");
        assertEquals(-1, inFlight(1));

        // It resumes and its cursor CAS wins: [10, 20) is its own, in flight, until it is gone.
        assertTrue(ledger.casClaimCursor(cursor, Ledger.cursorWord(20, 1)));
        assertTrue(frozen.confirmClaim(20));
        assertEquals(10, inFlight(1));
        assertEquals(0, adoptInto(2, mine), "it runs: nothing is taken while it lives");
        // Its first commit fails; it halts.
        assertFalse(frozen.publishFiguresIfCurrent(figures(frozen)));
        assertTrue(frozen.casOwner(FROZEN, DEAD));

        assertEquals(10, adoptInto(2, mine), "now an orphan: [10, 20) is adopted as usual");
        assertFalse(frozen.fenced(), "the adoption's publish unfenced it");
        assertEquals(-1, inFlight(1));
        assertEquals(0, retries(frozen)[0]);
        assertEquals(1, retries(mine)[0], "seq 5 still waits, once");
    }

    @Test
    void shouldHelpAPendingClaimWhoseCursorCasWonAndTakeIt() {
        ResultSlot frozen = frozenWithBatch(1, 10, 10);
        // It stopped right after its cursor CAS for [10, 16), before confirming.
        long cursor = ledger.claimCursor();
        frozen.recordClaimIntent(10, 16);
        assertTrue(ledger.casClaimCursor(cursor, Ledger.cursorWord(16, 1)));

        ResultSlot mine = adopterSlot(2);
        assertEquals(6, adoptInto(2, mine));
        assertEquals(10, mine.claimLo());
        assertEquals(-1, inFlight(1));
        assertFalse(frozen.confirmClaim(16), "its own late confirm changes nothing");
        assertEquals(-1, inFlight(1));
    }

    @Test
    void shouldLeaveAConsumerStoppedInTheMiddleOfItsOwnAdoptionAlone() {
        ResultSlot dead = data.slots().slot(0);
        assertTrue(dead.casOwner(0, DEAD));
        assertEquals(10, claims.claim(0, dead, 10));
        ResultSlot frozen = frozenWithBatch(1, 5, 5);
        // It took dead slot 0 (holding it), recorded its adopting claim, and stopped.
        assertTrue(dead.casOwner(DEAD, ResultSlot.holdingWord(FROZEN)));
        frozen.newAdoptToken();
        dead.adopter(1);
        frozen.recordAdoptionIntent(0, 10, 0);
        ResultSlot mine = adopterSlot(2);
        assertEquals(0, adoptInto(2, mine));
        assertFalse(frozen.fenced());
        assertFalse(dead.fenced(), "a slot held by an adopter is not frozen, whatever its heartbeat");
        assertEquals(ResultSlot.CLAIM_ADOPTING, ResultSlot.claimStatus(frozen.claimWord()));
        assertEquals(0, inFlight(0));
    }

    @Test
    void anAdopterThatWasFencedItselfStopsBeforeTakingAnything() {
        ResultSlot dead = data.slots().slot(0);
        assertTrue(dead.casOwner(0, DEAD));
        assertEquals(10, claims.claim(0, dead, 10));
        dead.heartbeat(now - 2 * LEASE);
        ResultSlot mine = adopterSlot(2);
        mine.writeFenceCopy(figures(mine));
        assertTrue(mine.fence(mine.selector()));
        TaskQException e = assertThrows(TaskQException.class, () -> adoptInto(2, mine));
        assertEquals(TaskQException.EXIT_TAKEN_OVER, e.exitCode());
        assertEquals(0, inFlight(0), "the orphan keeps its batch");
        assertEquals(DEAD | 1L << 63, dead.ownerWord(), "given back, released");
        OrphanAdoption.settleOwnAdoption(data.slots(), mine);
        assertEquals(ResultSlot.CLAIM_NONE, ResultSlot.claimStatus(mine.claimWord()));
    }

    /** Slot {@code h}'s consumer took {@code x} as an adopter, from owner word {@code from}, and was killed. */
    long killedHolding(int h, ResultSlot x, long from) {
        ResultSlot holder = data.slots().slot(h);
        assertTrue(holder.casOwner(holder.ownerWord(), DEAD));
        long hold = ResultSlot.holdingWord(DEAD);
        holder.recordHold(x.index(), from, hold);
        assertTrue(x.casOwner(from, hold));
        return hold;
    }

    @Test
    void aStoppedConsumersSlotHeldByAKilledAdopterIsGivenBackBeforeAnyoneJudgesIt() {
        ResultSlot frozen = frozenWithBatch(1, 10, 4);
        killedHolding(3, frozen, FROZEN);
        assertFalse(ResultSlot.heldByLiveProcess(frozen.ownerWord()), "the holder is dead");

        ResultSlot mine = adopterSlot(2);
        assertEquals(6, adoptInto(2, mine), "taken over by fencing, never as an orphan");
        assertTrue(frozen.fenced());
        assertEquals(FROZEN, frozen.ownerWord(), "back with the stopped consumer");
        assertEquals(4, figures(frozen).done);
    }

    @Test
    void aRestartOfTheKilledAdoptersIndexGivesTheHeldSlotBack() {
        ResultSlot frozen = frozenWithBatch(1, 10, 4);
        killedHolding(3, frozen, FROZEN);
        ResultSlot restarted = data.slots().slot(3);
        assertTrue(restarted.casOwner(DEAD, me));
        OrphanAdoption.settleOwnHold(data.slots(), restarted);
        assertEquals(FROZEN, frozen.ownerWord());
        assertEquals(-1, restarted.holdIndex());
    }

    @Test
    void anAutoIndexConsumerDoesNotTakeTheSlotOfAStoppedConsumerHeldByAKilledAdopter() {
        ResultSlot frozen = frozenWithBatch(0, 10, 4);
        killedHolding(3, frozen, FROZEN);
        assertEquals(1, data.slots().takeLowestFree(me), "slot 0 is its stopped consumer's");
        assertEquals(FROZEN, frozen.ownerWord());
    }
}
