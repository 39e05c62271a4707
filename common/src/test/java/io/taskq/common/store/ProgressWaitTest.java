package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waits on a data directory's progress: join and the wait for consumers to take their slots. */
class ProgressWaitTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void joinShouldHoldForWhatIsDoneAndTimeOutOnWhatIsNot() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY)) {
            assertTrue(Joiner.awaitDone(data, 0, Duration.ZERO), "nothing submitted before the call: done at once");
            data.ledger().publishSubmitted(3);
            long start = System.nanoTime();
            assertFalse(Joiner.awaitDone(data, 3, Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "waited until the deadline");
            assertFalse(Joiner.awaitAll(data, Duration.ofMillis(10)), "not sealed");
        }
    }

    @Test
    @Timeout(30)
    void awaitUsedSlotsShouldSeeTakenSlotsAndGiveUpWhenToldOrAtTheDeadline() throws Exception {
        assertFalse(Progress.awaitUsedSlots(dir, RollCycles.FAST_DAILY, 1, System.nanoTime() + 20_000_000L, () -> true),
                "no data directory yet: false at the deadline");
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY)) {
            assertFalse(Progress.awaitUsedSlots(dir, RollCycles.FAST_DAILY, 1, Long.MAX_VALUE, () -> false),
                    "false at once when told to stop waiting");
            ResultSlot slot = data.slots().slot(0);
            assertTrue(slot.casOwner(slot.ownerWord(),
                    ResultSlot.ownerWord(ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis())));
            slot.state(SlotState.IDLE);
            assertTrue(Progress.awaitUsedSlots(dir, RollCycles.FAST_DAILY, 1, System.nanoTime() + 10_000_000_000L,
                    () -> true));
            assertFalse(Progress.awaitUsedSlots(dir, RollCycles.FAST_DAILY, 2, System.nanoTime() + 20_000_000L,
                    () -> true), "one slot of two: false at the deadline");
        }
    }

    @Test
    @Timeout(30)
    void awaitUsedSlotsShouldThrowWhenInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> Progress.awaitUsedSlots(dir, RollCycles.FAST_DAILY, 1,
                    System.nanoTime() + 10_000_000_000L, () -> true));
        } finally {
            Thread.interrupted();
        }
    }
}
