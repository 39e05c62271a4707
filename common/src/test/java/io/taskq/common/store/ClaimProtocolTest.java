package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claims over a real ledger and results map (no queue): exclusive, gap-free, and decidable after a crash. */
class ClaimProtocolTest {
    @TempDir
    Path dir;
    DataDirectory data;
    Ledger ledger;
    ClaimProtocol claims;

    @BeforeEach
    void open() {
        data = DataDirectory.openOrCreate(dir, 4, RollCycles.FAST_DAILY);
        ledger = data.ledger();
        claims = new ClaimProtocol(ledger, data.slots());
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void shouldClaimOnlyTasksThatExist() {
        ResultSlot s0 = data.slots().slot(0);
        assertEquals(0, claims.claim(0, s0, 10), "nothing submitted, nothing claimed");
        ledger.publishSubmitted(4);
        assertEquals(4, claims.claim(0, s0, 10));
        assertEquals(0, s0.claimLo());
        assertEquals(ResultSlot.claimWord(4, ResultSlot.CLAIM_CONFIRMED), s0.claimWord());
        assertEquals(Ledger.cursorWord(4, 0), ledger.claimCursor());
        assertEquals(0, claims.claim(0, s0, 10));
    }

    @Test
    void shouldConfirmThePreviousClaimersPendingClaimBeforeMovingPastIt() {
        ledger.publishSubmitted(100);
        ResultSlot s1 = data.slots().slot(1);
        // Slot 1 won its CAS and was killed before confirming.
        s1.recordClaimIntent(0, 10);
        assertTrue(ledger.casClaimCursor(ledger.claimCursor(), Ledger.cursorWord(10, 1)));
        assertEquals(10, claims.claim(2, data.slots().slot(2), 10));
        assertEquals(ResultSlot.claimWord(10, ResultSlot.CLAIM_CONFIRMED), s1.claimWord(),
                "the next claimer confirms it, so the claim is never lost");
    }

    @Test
    void shouldSettleAPendingClaimThatWonAsOwnedAndOneThatLostAsDropped() {
        ledger.publishSubmitted(100);
        ResultSlot won = data.slots().slot(1);
        won.recordClaimIntent(0, 10);
        assertTrue(ledger.casClaimCursor(ledger.claimCursor(), Ledger.cursorWord(10, 1)));
        claims.settle(1, won);
        assertEquals(ResultSlot.CLAIM_CONFIRMED, ResultSlot.claimStatus(won.claimWord()));
        SlotFigures f = new SlotFigures();
        won.readFigures(f);
        assertEquals(0, ClaimProtocol.nextInFlight(1, won, f, ledger.claimCursor()));

        ResultSlot lost = data.slots().slot(3);
        lost.recordClaimIntent(10, 20);
        // Another consumer's CAS got there first.
        assertEquals(10, claims.claim(0, data.slots().slot(0), 10));
        claims.settle(3, lost);
        assertEquals(ResultSlot.CLAIM_NONE, ResultSlot.claimStatus(lost.claimWord()));
        lost.readFigures(f);
        assertEquals(-1, ClaimProtocol.nextInFlight(3, lost, f, ledger.claimCursor()));
    }

    @Test
    void shouldResumeAtTheFirstUncommittedSeqOfTheBatch() {
        ledger.publishSubmitted(100);
        ResultSlot s = data.slots().slot(0);
        assertEquals(10, claims.claim(0, s, 10));
        SlotFigures f = new SlotFigures();
        s.readFigures(f);
        assertEquals(0, ClaimProtocol.nextInFlight(0, s, f, ledger.claimCursor()), "nothing committed yet");
        f.batchLo = 0;
        f.batchHi = 10;
        f.doneUpTo = 7;
        s.publishFigures(f);
        s.readFigures(f);
        assertEquals(7, ClaimProtocol.nextInFlight(0, s, f, ledger.claimCursor()));
        f.doneUpTo = 10;
        s.publishFigures(f);
        s.readFigures(f);
        assertEquals(-1, ClaimProtocol.nextInFlight(0, s, f, ledger.claimCursor()), "finished batch");
    }

    @Test
    @Timeout(60)
    void shouldNotHandOutASeqTwiceOrSkipOneWhenConsumersRace() throws Exception {
        int total = 200_000;
        ledger.publishSubmitted(total);
        int consumers = 4;
        List<BitSet> owned = new ArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread[] threads = new Thread[consumers];
        for (int k = 0; k < consumers; k++) {
            BitSet mine = new BitSet(total);
            owned.add(mine);
            int index = k;
            // Each thread maps the files itself, as a separate process would.
            threads[k] = new Thread(() -> {
                try (DataDirectory own = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
                    ClaimProtocol c = new ClaimProtocol(own.ledger(), own.slots());
                    ResultSlot slot = own.slots().slot(index);
                    for (long n; (n = c.claim(index, slot, 1 + index * 7)) > 0; ) {
                        long lo = slot.claimLo();
                        mine.set((int) lo, (int) (lo + n));
                    }
                }
            });
            threads[k].setUncaughtExceptionHandler((t, e) -> error.set(e));
            threads[k].start();
        }
        for (Thread t : threads)
            t.join();
        assertNull(error.get());
        BitSet union = new BitSet(total);
        long sum = 0;
        for (BitSet b : owned) {
            assertFalse(union.intersects(b), "a seq was handed to two consumers");
            union.or(b);
            sum += b.cardinality();
        }
        assertEquals(total, sum);
        assertEquals(total, union.nextClearBit(0), "no seq skipped");
    }
}
