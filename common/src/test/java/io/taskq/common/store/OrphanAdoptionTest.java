package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adoption over a real ledger and results map: a dead consumer's unfinished batch moves to exactly one live slot, and
 * a kill between any two steps of the move is decided the same way by whoever comes next.
 */
class OrphanAdoptionTest {
    /** A pid above Linux's pid_max, so never a running process. */
    static final long DEAD = ResultSlot.ownerWord(999_999_999L, 1_700_000_000_000L);
    static final long LEASE = 10_000;

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
            throw new AssertionError("no dead letter is pending in these tests");
        }, (slot, s) -> {
            throw new AssertionError("no call timed out in these tests");
        });
        ledger.publishSubmitted(1_000);
        now = System.currentTimeMillis();
    }

    @AfterEach
    void close() {
        data.close();
    }

    /** Slot {@code x} claims {@code batch} seqs, commits {@code done} of them (counting each as value 1), and dies. */
    ResultSlot orphanWithBatch(int x, int batch, int done) {
        ResultSlot s = data.slots().slot(x);
        assertTrue(s.casOwner(s.ownerWord(), DEAD));
        assertEquals(batch, claims.claim(x, s, batch));
        long lo = s.claimLo();
        SlotFigures f = new SlotFigures();
        s.readFigures(f);
        f.done += done;
        f.sumValue += done;
        f.batchLo = lo;
        f.batchHi = lo + batch;
        f.doneUpTo = lo + done;
        s.publishFigures(f);
        s.heartbeat(now - 2 * LEASE);
        return s;
    }

    SlotFigures figures(ResultSlot s) {
        SlotFigures f = new SlotFigures();
        s.readFigures(f);
        return f;
    }

    /** What a consumer does between batches: adopt into its slot with its own mirror and retry table. */
    long adoptInto(OrphanAdoption adopter, int index, ResultSlot mine, long owner) {
        SlotFigures mirror = figures(mine);
        RetryTable retries = new RetryTable(mine);
        retries.load();
        return adopter.adoptOne(index, mine, owner, mirror, retries, LEASE, now);
    }

    long inFlight(int x) {
        ResultSlot s = data.slots().slot(x);
        return ClaimProtocol.nextInFlight(x, s, figures(s), ledger.claimCursor());
    }

    @Test
    void shouldMoveTheRestOfADeadConsumersBatchIntoTheAdoptersSlot() {
        ResultSlot orphan = orphanWithBatch(1, 10, 4);
        ResultSlot mine = data.slots().slot(2);
        assertTrue(mine.casOwner(0, me));

        assertEquals(6, adoptInto(adoption, 2, mine, me));

        assertEquals(4, mine.claimLo());
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_CONFIRMED), mine.claimWord());
        assertEquals(1, mine.adoptedFrom());
        assertEquals(6, mine.adopted());
        assertEquals(4, inFlight(2), "the adopter owns [4, 10)");
        assertEquals(-1, inFlight(1), "the orphan's batch is closed");
        SlotFigures f = figures(orphan);
        assertEquals(4, f.done, "the orphan keeps what it counted and counts nothing more");
        assertEquals(10, f.doneUpTo);
        assertEquals(-1, orphan.adopter());
        assertEquals(999_999_999L, orphan.ownerPid(), "the orphan still names its last owner");
        assertTrue(ResultSlot.released(orphan.ownerWord()));
        assertEquals(0, adoptInto(adoption, 2, mine, me), "nothing left to adopt");
    }

    @Test
    void theOrphanRuleNeedsAnUnfinishedBatchAStaleHeartbeatAndNoLiveHolder() {
        long now = 1_000_000;
        long lease = 10_000;
        long stale = now - lease - 1;
        assertTrue(OrphanAdoption.isOrphan(true, stale, false, lease, now));
        assertFalse(OrphanAdoption.isOrphan(false, stale, false, lease, now), "nothing unfinished");
        assertFalse(OrphanAdoption.isOrphan(true, stale, true, lease, now), "a live process holds the slot");
        assertFalse(OrphanAdoption.isOrphan(true, now - lease, false, lease, now),
                "a heartbeat exactly one lease old is not stale");
        assertFalse(OrphanAdoption.isOrphan(true, now, false, lease, now), "a fresh heartbeat");
    }

    @Test
    void shouldLeaveABatchAloneWhileItsHeartbeatIsFreshWhetherItsOwnerLivesOrNot() {
        ResultSlot fresh = orphanWithBatch(1, 10, 0);
        fresh.heartbeat(now);
        ResultSlot live = orphanWithBatch(3, 10, 0);
        assertTrue(live.casOwner(DEAD, me));
        live.heartbeat(now); // a live owner with a stale heartbeat is stopped: see FrozenTakeoverTest
        ResultSlot mine = data.slots().slot(2);
        assertEquals(0, adoptInto(adoption, 2, mine, me));
        assertEquals(0, inFlight(1));
        assertEquals(10, inFlight(3));
        assertEquals(ResultSlot.CLAIM_NONE, ResultSlot.claimStatus(mine.claimWord()));
    }

    @Test
    void shouldAdoptTheBatchOfAConsumerThatStoppedCleanlyBeforeFinishing() {
        ResultSlot stopped = orphanWithBatch(1, 10, 3);
        stopped.release(DEAD);
        ResultSlot mine = data.slots().slot(0);
        assertEquals(7, adoptInto(adoption, 0, mine, me));
    }

    @Test
    @Timeout(60)
    void shouldLetOnlyOneOfTwoRacingAdoptersTakeAnOrphan() throws Exception {
        for (int round = 0; round < 200; round++) {
            orphanWithBatch(1, 5, round % 5);
            AtomicLong first = new AtomicLong(-1);
            AtomicLong second = new AtomicLong(-1);
            AtomicReference<Throwable> error = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread a = adopter(2, first, start, error);
            Thread b = adopter(3, second, start, error);
            a.join();
            b.join();
            assertNull(error.get());
            long remaining = 5 - round % 5;
            assertEquals(remaining, first.get() + second.get(),
                    "round " + round + ": exactly one adopter takes the rest");
            assertTrue(first.get() == 0 || second.get() == 0, "round " + round + ": never both");
            // Finish the adopted batch so the next round starts clean.
            for (int k = 2; k <= 3; k++) {
                ResultSlot s = data.slots().slot(k);
                long next = inFlight(k);
                if (next >= 0) {
                    SlotFigures f = figures(s);
                    f.batchLo = s.claimLo();
                    f.batchHi = ResultSlot.claimHi(s.claimWord());
                    f.doneUpTo = f.batchHi;
                    s.publishFigures(f);
                }
            }
        }
    }

    private Thread adopter(int index, AtomicLong adopted, CyclicBarrier start, AtomicReference<Throwable> error) {
        Thread t = new Thread(() -> {
            // Each adopter maps the files itself, as a separate process would.
            try (DataDirectory own = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
                OrphanAdoption mine = new OrphanAdoption(own.ledger(), own.slots(),
                        new ClaimProtocol(own.ledger(), own.slots()), (slot, f) -> {
                            throw new AssertionError("no dead letter is pending");
                        }, (slot, s) -> {
                            throw new AssertionError("no call timed out");
                        });
                long word = ResultSlot.ownerWord(ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
                ResultSlot slot = own.slots().slot(index);
                slot.casOwner(slot.ownerWord(), word);
                slot.heartbeat(now);
                start.await();
                adopted.set(adoptInto(mine, index, slot, word));
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        return t;
    }

    /** The adopter's steps up to and including recording its intent, then it is killed. */
    ResultSlot adopterKilledAfterIntent(int a, ResultSlot orphan, int x, long next, long hi) {
        ResultSlot adopter = data.slots().slot(a);
        assertTrue(adopter.casOwner(adopter.ownerWord(), DEAD));
        assertTrue(orphan.casOwner(orphan.ownerWord(), DEAD));
        adopter.newAdoptToken();
        orphan.adopter(a);
        adopter.recordAdoptionIntent(next, hi, x);
        return adopter;
    }

    @Test
    void shouldDropAnAdoptionKilledBeforeItClosedTheOrphansBatchAndLetAnotherAdopterTakeIt() {
        ResultSlot orphan = orphanWithBatch(1, 10, 4);
        ResultSlot killed = adopterKilledAfterIntent(3, orphan, 1, 4, 10);
        assertEquals(4, inFlight(3), "undecided: counted in flight in both slots");
        assertEquals(4, inFlight(1));

        ResultSlot mine = data.slots().slot(2);
        assertEquals(6, adoptInto(adoption, 2, mine, me));
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_NONE), killed.claimWord(), "the dead adopter lost");
        assertEquals(-1, inFlight(3));
        assertEquals(4, inFlight(2));
        assertEquals(-1, inFlight(1));
    }

    @Test
    void shouldConfirmAnAdoptionKilledAfterItClosedTheOrphansBatch() {
        ResultSlot orphan = orphanWithBatch(1, 10, 4);
        ResultSlot killed = adopterKilledAfterIntent(3, orphan, 1, 4, 10);
        SlotFigures f = figures(orphan);
        f.batchHi = 10;
        f.doneUpTo = 10;
        f.movedToken = killed.adoptToken();
        orphan.publishFigures(f);

        // A consumer restarted with the orphan's index settles what the adopter left, before anything else.
        OrphanAdoption.settleAdopterOf(data.slots(), orphan);
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_CONFIRMED), killed.claimWord());
        assertEquals(-1, orphan.adopter());
        assertEquals(-1, inFlight(1));
        assertEquals(4, inFlight(3), "the dead adopter's slot now holds [4, 10): it is an orphan in turn");

        ResultSlot mine = data.slots().slot(2);
        killed.heartbeat(now - 2 * LEASE);
        assertEquals(6, adoptInto(adoption, 2, mine, me));
        assertEquals(4, mine.claimLo());
    }

    @Test
    void shouldDecideTheSameWayWhenTheAdopterItselfRestarts() {
        ResultSlot orphan = orphanWithBatch(1, 10, 4);
        ResultSlot killed = adopterKilledAfterIntent(3, orphan, 1, 4, 10);
        OrphanAdoption.settleOwnAdoption(data.slots(), killed);
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_NONE), killed.claimWord(),
                "the orphan's batch was not closed");
        // A late second decision (the orphan's next owner) cannot flip it.
        SlotFigures f = figures(orphan);
        OrphanAdoption.settleAdopterOf(data.slots(), orphan);
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_NONE), killed.claimWord());
        assertEquals(f.doneUpTo, figures(orphan).doneUpTo);
        assertEquals(4, inFlight(1));
    }

    @Test
    void shouldAdoptFromAnOrphanThatWasItselfAdoptingWhenItDied() {
        ResultSlot first = orphanWithBatch(0, 10, 2);
        // Slot 1 adopted [2, 10) from slot 0, closed slot 0's batch, and died before confirming.
        ResultSlot middle = adopterKilledAfterIntent(1, first, 0, 2, 10);
        SlotFigures f = figures(first);
        f.batchHi = 10;
        f.doneUpTo = 10;
        f.movedToken = middle.adoptToken();
        first.publishFigures(f);
        middle.heartbeat(now - 2 * LEASE);

        ResultSlot mine = data.slots().slot(2);
        assertEquals(8, adoptInto(adoption, 2, mine, me), "slot 1's won adoption is taken over whole");
        assertEquals(2, mine.claimLo());
        assertEquals(-1, inFlight(0));
        assertEquals(-1, inFlight(1));
        assertEquals(2, inFlight(2));
    }
}
