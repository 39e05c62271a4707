package io.taskq.common.store;

import io.taskq.common.wire.DeadLetter;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-letter queue after a writer was killed inside Chronicle Queue, in the states such a kill leaves in the
 * files, and shared by several instances of one process.
 */
class DeadLettersTest {
    /** A pid above Linux's pid_max: a writer that is never alive, as after a kill. */
    private static final long DEAD_PID = 999_999_999L;
    /** Chronicle Queue's value of a free lock word. */
    private static final long UNLOCKED = 1L << 63;
    /** Chronicle Queue's wait for a cycle file's first header, at its shortest; TaskQ must never sit through it. */
    private static final long CHRONICLE_HEADER_WAIT_MILLIS = 10_000;

    @TempDir
    Path data;

    /** How a writer killed while it created today's cycle file leaves that file. */
    enum KilledCreator {
        /** killed after claiming the first header, before finishing it (while Chronicle wrote the index) */
        HEADER_UNFINISHED,
        /** killed after the file was mapped, before the header was claimed: the file is all zeros */
        FILE_ZEROED,
        /** killed right after the file was created */
        FILE_EMPTY
    }

    @ParameterizedTest
    @EnumSource(KilledCreator.class)
    @Timeout(120)
    void shouldNeitherWaitOnNorMissALetterBecauseAWriterWasKilledCreatingACycleFile(KilledCreator state)
            throws Exception {
        Path dead = data.resolve(DeadLetters.DIR);
        // Yesterday: slot 1's letters 1..3 and slot 2's letter 1.
        SetTimeProvider yesterday = new SetTimeProvider(Instant.now().minus(1, ChronoUnit.DAYS));
        try (SingleChronicleQueue q = queue(dead).timeProvider(yesterday).build()) {
            for (DeadLetter letter : List.of(letter(1, 1), letter(1, 2), letter(2, 1), letter(1, 3))) {
                try (DocumentContext dc = q.acquireAppender().writingDocument()) {
                    dc.wire().write("dead").marshallable(letter);
                }
            }
        }
        try (DeadLetters letters = new DeadLetters(data, RollCycles.FAST_DAILY, DataDirAccess.DEFAULT)) {
            // This consumer opened the queue and its appender before the other one was killed.
            letters.warm();
            killCreatingTodaysCycle(dead, state);

            long start = System.nanoTime();
            assertTrue(letters.containsRecord(1, 3), "slot 1's letter 3, written yesterday");
            assertFalse(letters.containsRecord(1, 4), "slot 1's letter 4, never written");
            assertTrue(letters.containsRecord(2, 1), "slot 2's letter 1, written yesterday");
            letters.append(letter(1, 4));
            assertTrue(letters.containsRecord(1, 4), "slot 1's letter 4, just written");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < CHRONICLE_HEADER_WAIT_MILLIS, "four look-ups and an append took " + tookMillis
                    + " ms: they waited on the killed writer's cycle file");

            List<String> listed = new ArrayList<>();
            for (DeadLetter d : letters.list())
                listed.add(d.slot + "/" + d.serial);
            assertEquals(List.of("1/1", "1/2", "2/1", "1/3", "1/4"), listed, "every letter, once");
            assertEquals(List.of(), files(dead, "*.discard"), "Chronicle never had to give up on the file");
        }
        try (SingleChronicleQueue q = queue(dead).build();
             LongValue lock = q.metaStore().doWithExclusiveLock(ts -> ts.acquireValueFor("chronicle.write.lock"))) {
            assertEquals(UNLOCKED, lock.getVolatileValue(), "the killed writer's write lock was taken over");
        }
    }

    @Test
    @Timeout(120)
    void shouldWriteEveryLetterOnceFromSeveralInstancesAndThreadsOfOneProcess() throws Exception {
        int threads = 4;
        int perThread = 50;
        List<DeadLetters> instances = List.of(
                new DeadLetters(data, RollCycles.FAST_DAILY, DataDirAccess.DEFAULT),
                new DeadLetters(data, RollCycles.FAST_DAILY, DataDirAccess.DEFAULT));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int slot = t;
                DeadLetters letters = instances.get(t % instances.size());
                done.add(pool.submit(() -> {
                    letters.warm();
                    for (int serial = 1; serial <= perThread; serial++) {
                        if (!letters.containsRecord(slot, serial))
                            letters.append(letter(slot, serial));
                    }
                }));
            }
            for (Future<?> f : done)
                f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (DeadLetters letters : instances) {
            List<DeadLetter> listed = letters.list();
            assertEquals(threads * perThread, listed.size(), "every letter, once");
            letters.close();
        }
    }

    private static SingleChronicleQueueBuilder queue(Path dead) {
        return SingleChronicleQueueBuilder.binary(dead.toFile()).rollCycle(RollCycles.FAST_DAILY);
    }

    /**
     * Today's cycle file as a writer killed while creating it leaves it, and Chronicle's write lock still held by that
     * writer's pid. The file is made by Chronicle (an append that is rolled back) and then put back into the state
     * the kill leaves: Chronicle writes the first header's length last.
     */
    private static void killCreatingTodaysCycle(Path dead, KilledCreator state) throws IOException {
        try (SingleChronicleQueue q = queue(dead).build()) {
            try (DocumentContext dc = q.acquireAppender().writingDocument()) {
                dc.rollbackOnClose();
            }
            try (LongValue lock = q.metaStore().doWithExclusiveLock(ts -> ts.acquireValueFor("chronicle.write.lock"))) {
                lock.setVolatileValue(DEAD_PID);
            }
        }
        List<Path> cycles = files(dead, "*.cq4");
        assertEquals(2, cycles.size(), "yesterday's and today's cycle files: " + cycles);
        Path today = cycles.get(1);
        try (RandomAccessFile f = new RandomAccessFile(today.toFile(), "rw")) {
            long length = f.length();
            switch (state) {
                case HEADER_UNFINISHED -> {
                    f.seek(0);
                    f.writeInt(Integer.reverseBytes(0x8000_0000)); // NOT_COMPLETE, length unknown, little-endian
                }
                case FILE_ZEROED -> {
                    f.setLength(0);
                    f.setLength(length);
                }
                case FILE_EMPTY -> f.setLength(0);
            }
        }
    }

    private static List<Path> files(Path dir, String glob) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(found::add);
        }
        found.sort(null);
        return found;
    }

    private static DeadLetter letter(int slot, long serial) {
        DeadLetter d = new DeadLetter();
        d.seq = slot * 1_000L + serial;
        d.slot = slot;
        d.serial = serial;
        d.attempts = 5;
        d.errorMessage = DeadLetter.ERROR_NOT_RECORDED;
        return d;
    }
}
