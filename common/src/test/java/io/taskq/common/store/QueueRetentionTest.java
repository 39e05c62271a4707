package io.taskq.common.store;

import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QueueRetention#prune} on a queue of six one-second cycle files written with a set clock, ten tasks each
 * (seqs 0..9 in the first file, 10..19 in the second, and so on), with {@code keep-cycles=2}.
 * <p>
 * The race these tests pin down: Chronicle opens a cycle file by checking that it exists and then opening it
 * read-write, so a pruner that reads a file (a new tailer starts at the first one) just as another pruner deletes it
 * re-creates it, empty; Chronicle then waits its timeout (10 s or more) for a header and gives up. Before the retention
 * lock and finding files by name, every later prune waited on such a file twice (a new tailer, then asking Chronicle
 * for the file's path), got no path, skipped it and deleted the newer files after it: an old file left behind a
 * deleted newer one, and a data directory that TaskQ refuses to open (an empty cycle file that is not the newest).
 */
class QueueRetentionTest {
    private static final int FILES = 6;
    private static final int PER_FILE = 10;
    /** Longer than a healthy prune takes, shorter than the Chronicle header timeout (10 s) a waiting one would show. */
    private static final Duration NO_HEADER_WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    Path tasks;
    /** The six cycle files as Chronicle named them, oldest first. */
    List<String> written;

    @BeforeEach
    void writeSixCycleFiles() throws IOException {
        DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY).close();
        tasks = dir.resolve(DataDirectory.TASKS);
        SetTimeProvider clock = new SetTimeProvider("2026-01-01T00:00:00").advanceMillis(0);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tasks.toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(clock).build();
             ExcerptAppender appender = queue.createAppender()) {
            QueuedTask task = new QueuedTask();
            for (int file = 0; file < FILES; file++) {
                for (int i = 0; i < PER_FILE; i++) {
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().write(Excerpts.TASK).marshallable(task.seq((long) file * PER_FILE + i).set(1, 0.5));
                    }
                }
                clock.advanceMillis(1000);
            }
        }
        written = cycleFiles();
        assertEquals(FILES, written.size(), written::toString);
    }

    @Test
    @Timeout(60)
    void shouldDeleteFilesThatAReaderRecreatedEmptyInTheirTurnWithoutWaitingOnThem() throws Exception {
        try (DataDirectory data = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            everythingClaimed(data);
            // What a reader that opened these files just as a pruner deleted them leaves behind: empty files under the
            // same names. The first one is where a new tailer starts; the third is in the middle of the prefix.
            recreateEmpty(written.get(0));
            recreateEmpty(written.get(2));

            long start = System.nanoTime();
            List<File> deleted = new QueueRetention(data, 2).prune();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertEquals(written.subList(0, FILES - 2), names(deleted), "oldest first, the empty ones in their turn");
            assertEquals(written.subList(FILES - 2, FILES), cycleFiles(), "the newest two stay");
            assertTrue(took.compareTo(NO_HEADER_WAIT) < 0, () -> "prune waited " + took + " on a file without header");
        }
        DataDirectory.openExisting(dir, RollCycles.FAST_DAILY).close();
    }

    @Test
    @Timeout(60)
    void shouldStopAtTheFirstFileWhoseTasksAreNotAllDoneEvenPastAnEmptyOne() throws Exception {
        try (DataDirectory data = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            // Seqs below 25 are done: the first file's (0..9) and the second's (10..19, now emptied), not the third's.
            data.ledger().casClaimCursor(data.ledger().claimCursor(), Ledger.cursorWord(25, 0));
            recreateEmpty(written.get(1));

            assertEquals(written.subList(0, 2), names(new QueueRetention(data, 2).prune()));
            assertEquals(written.subList(2, FILES), cycleFiles());
        }
    }

    @Test
    @Timeout(60)
    void shouldLeaveThePruningToWhoeverHoldsTheRetentionLock() throws Exception {
        try (DataDirectory data = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            everythingClaimed(data);
            QueueRetention retention = new QueueRetention(data, 2);
            try (RetentionLock held = RetentionLock.acquire(data, Duration.ZERO)) {
                assertNotNull(held);
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve(RetentionLock.FILE))), "the directory's file mode");
                assertNull(RetentionLock.acquire(data, Duration.ZERO), "another thread holds it");
                assertEquals(List.of(), retention.prune(), "a prune while another one runs deletes nothing");
                assertEquals(written, cycleFiles());
            }
            assertEquals(written.subList(0, FILES - 2), names(retention.prune()), "once it is released");
            assertEquals(written.subList(FILES - 2, FILES), cycleFiles());
        }
    }

    private static void everythingClaimed(DataDirectory data) {
        long all = (long) FILES * PER_FILE;
        assertTrue(data.ledger().casClaimCursor(data.ledger().claimCursor(), Ledger.cursorWord(all, 0)));
        assertEquals(all, Progress.read(data).watermark(), "no slot in use: every claimed seq counts as done");
    }

    private void recreateEmpty(String name) throws IOException {
        Path file = tasks.resolve(name);
        Files.delete(file);
        Files.createFile(file);
    }

    private static List<String> names(List<File> files) {
        return files.stream().map(File::getName).toList();
    }

    private List<String> cycleFiles() throws IOException {
        try (Stream<Path> files = Files.list(tasks)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }
}
