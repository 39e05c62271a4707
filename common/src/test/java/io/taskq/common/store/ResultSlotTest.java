package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultSlotTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void readersShouldNeverSeeHalfOfAnUpdate() throws Exception {
        try (DataDirectory writerSide = DataDirectory.openOrCreate(dir, 1, RollCycles.FAST_DAILY);
             DataDirectory readerSide = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            ResultSlot writer = writerSide.slots().slot(0);
            ResultSlot reader = readerSide.slots().slot(0);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> torn = new AtomicReference<>();
            Thread t = new Thread(() -> {
                SlotFigures seen = new SlotFigures();
                while (!stop.get()) {
                    reader.readFigures(seen);
                    // The writer keeps every field a function of done, so any mix of two updates shows.
                    if (seen.sumValue != seen.done * 3 || seen.sumPayload != seen.done * 0.5
                            || seen.lastSeq != seen.done - 1 || seen.doneUpTo != seen.done)
                        torn.compareAndSet(null, seen.toString());
                }
            });
            t.start();
            SlotFigures f = new SlotFigures();
            for (int i = 1; i <= 2_000_000 && torn.get() == null; i++) {
                f.done = i;
                f.sumValue = i * 3L;
                f.sumPayload = i * 0.5;
                f.lastSeq = i - 1;
                f.doneUpTo = i;
                writer.publishFigures(f);
            }
            stop.set(true);
            t.join();
            assertNull(torn.get(), "torn read");
        }
    }

    @Test
    void shouldRefuseFiguresWhoseChecksumDoesNotMatch() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 1, RollCycles.FAST_DAILY)) {
            ResultSlot slot = data.slots().slot(0);
            SlotFigures f = new SlotFigures();
            f.done = 5;
            slot.publishFigures(f);
            // Damage the current copy (copy 1 after one update) behind the slot's back.
            slot.bytesStore().writeLong(192 + 192, 999);
            TaskQException e = assertThrows(TaskQException.class, () -> slot.readFigures(new SlotFigures()));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void shouldLetOnlyOneProcessTakeASlotAndKeepPidAndStartTimeTogether() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 1, RollCycles.FAST_DAILY)) {
            ResultSlot slot = data.slots().slot(0);
            long first = ResultSlot.ownerWord(111, 1_700_000_000_000L);
            long second = ResultSlot.ownerWord(222, 1_800_000_000_000L);
            assertTrue(slot.casOwner(0, first));
            assertFalse(slot.casOwner(0, second), "the slot is no longer free");
            assertEquals(111, slot.ownerPid());
            assertEquals(1_700_000_000_000L, ResultSlot.startMillisOf(slot.ownerWord()));
            slot.release(first);
            assertTrue(ResultSlot.released(slot.ownerWord()));
            assertEquals(111, slot.ownerPid(), "a released slot still names its last owner");
            assertTrue(slot.casOwner(slot.ownerWord(), second));
            assertEquals(222, slot.ownerPid());
            assertFalse(ResultSlot.released(slot.ownerWord()));
        }
    }

    @Test
    void aSlotHeldByThisLiveProcessShouldCountAsAliveUntilReleased() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 1, RollCycles.FAST_DAILY)) {
            ResultSlot slot = data.slots().slot(0);
            long me = ResultSlot.ownerWord(ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
            assertFalse(slot.ownerAlive());
            assertTrue(slot.casOwner(0, me));
            assertTrue(slot.ownerAlive());
            slot.release(me);
            assertFalse(slot.ownerAlive());
            long stale = ResultSlot.ownerWord(ProcessLiveness.currentPid(),
                    ProcessLiveness.currentStartMillis() - 3_600_000);
            assertTrue(slot.casOwner(slot.ownerWord(), stale));
            assertFalse(slot.ownerAlive(), "same pid, other start time: a reused pid, not the owner");
        }
    }
}
