package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlotTableTest {
    private static final long ME = ResultSlot.ownerWord(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());

    @TempDir
    Path dir;

    @Test
    void shouldTakeTheLowestSlotThatNoLiveProcessHolds() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 4, RollCycles.FAST_DAILY)) {
            SlotTable slots = data.slots();
            assertTrue(slots.slot(0).casOwner(0, ME), "slot 0: held by this live process");
            long released = ResultSlot.ownerWord(ProcessLiveness.currentPid(), ProcessLiveness.currentStartMillis());
            assertTrue(slots.slot(2).casOwner(0, released));
            slots.slot(2).release(released);

            assertEquals(1, slots.takeLowestFree(ME), "slot 1 was never owned");
            assertEquals(2, slots.takeLowestFree(ME), "slot 2 was released by its owner");
            assertEquals(3, slots.takeLowestFree(ME));
            assertEquals(-1, slots.takeLowestFree(ME), "every slot is held by a live process");
            for (int i = 0; i < 4; i++)
                assertEquals(ME, slots.slot(i).ownerWord(), "slot " + i + " names its taker");

            slots.slot(1).release(ME);
            assertEquals(1, slots.takeLowestFree(ME), "a slot released on exit is free again");
        }
    }

    @Test
    @Timeout(60)
    void shouldReclaimTheSlotOfAnOwnerWhoseProcessIsDead() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        long deadOwner = ResultSlot.ownerWord(child.pid(),
                child.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L));
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 3, RollCycles.FAST_DAILY)) {
            SlotTable slots = data.slots();
            assertTrue(slots.slot(0).casOwner(0, deadOwner));
            assertTrue(slots.slot(0).ownerAlive(), "the owner runs, so its slot is not free yet");
            assertEquals(1, slots.takeLowestFree(ME));
            slots.slot(1).release(ME);

            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertFalse(slots.slot(0).ownerAlive());
            assertEquals(0, slots.takeLowestFree(ME), "a dead owner's slot is the lowest free one");
            assertEquals(ME, slots.slot(0).ownerWord());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    @Timeout(120)
    void racingClaimersShouldNeverTakeTheSameSlot() throws Exception {
        int slotCount = 64;
        int rounds = 100;
        // Two live owners with different owner words: this JVM and a child process. Each claimer has its own
        // mapping of the same file, as separate processes would, and takes slots until none is left.
        Process child = new ProcessBuilder("sleep", "120").start();
        long[] owners = {ME, ResultSlot.ownerWord(child.pid(),
                child.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L))};
        // Every round starts with every slot left by a dead owner: a claimer reads the word, checks that process,
        // and only then CASes, which gives the other claimer a real window to read the same word.
        Process dead = new ProcessBuilder("true").start();
        assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
        long deadOwner = ResultSlot.ownerWord(dead.pid(), 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (DataDirectory first = DataDirectory.openOrCreate(dir, slotCount, RollCycles.FAST_DAILY);
             DataDirectory second = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            SlotTable[] tables = {first.slots(), second.slots()};
            CyclicBarrier start = new CyclicBarrier(2);
            for (int round = 0; round < rounds; round++) {
                for (int index = 0; index < slotCount; index++) {
                    ResultSlot slot = first.slots().slot(index);
                    assertTrue(slot.casOwner(slot.ownerWord(), deadOwner));
                }
                List<Future<List<Integer>>> taken = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    SlotTable table = tables[c];
                    long owner = owners[c];
                    taken.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        List<Integer> mine = new ArrayList<>();
                        for (int index; (index = table.takeLowestFree(owner)) >= 0; )
                            mine.add(index);
                        return mine;
                    }));
                }
                Set<Integer> all = new HashSet<>();
                for (int c = 0; c < 2; c++) {
                    for (int index : taken.get(c).get(30, TimeUnit.SECONDS)) {
                        assertTrue(all.add(index), "round " + round + ": slot " + index + " was taken twice");
                        assertEquals(owners[c], first.slots().slot(index).ownerWord(),
                                "round " + round + ": slot " + index + " names the claimer it was given to");
                    }
                }
                assertEquals(slotCount, all.size(), "round " + round + ": every slot taken once");
            }
        } finally {
            pool.shutdownNow();
            child.destroyForcibly();
        }
    }
}
