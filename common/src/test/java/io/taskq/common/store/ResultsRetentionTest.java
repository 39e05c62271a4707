package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Results follow {@code queue.keep-cycles}: {@link QueueRetention#pruneResults} deletes a slot's oldest result cycle
 * files and keeps the newest N. The slot's results queue is created with Chronicle's one-second test roll cycle (a
 * queue keeps the roll cycle it was created with), so three groups a second apart land in three files, after the
 * empty one the writer creates when it opens.
 */
class ResultsRetentionTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void shouldDeleteAllButTheNewestResultCyclesAndLeaveTheRestReadable() throws Exception {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY)) {
            Path slotDir = data.results().slotDir(0);
            Files.createDirectories(slotDir);
            try (SingleChronicleQueue created = SingleChronicleQueueBuilder.binary(slotDir.toFile())
                    .rollCycle(TestRollCycles.TEST_SECONDLY).build()) {
                assertEquals(TestRollCycles.TEST_SECONDLY, created.rollCycle());
            }
            SingleChronicleQueue queue = data.results().queue(0);
            assertEquals(TestRollCycles.TEST_SECONDLY, queue.rollCycle(), "the results queue kept its roll cycle");
            ResultSlot slot = data.slots().slot(0);
            SlotFigures f = new SlotFigures();
            slot.readFigures(f);
            try (ResultsLog.Writer w = data.results().writer(0)) {
                assertEquals(1, cycleFiles(slotDir).size(), "opening a writer creates its cycle's file, empty");
                for (int seq = 0; seq < 3; seq++) {
                    awaitNextCycle(queue);
                    byte[] body = ("result " + seq).getBytes(StandardCharsets.UTF_8);
                    w.ok(slot.nextSelector(), seq, 1, 1000, seq, 0.5, body, body.length);
                    f.done++;
                    slot.publishFigures(f);
                }
            }
            List<String> files = cycleFiles(slotDir);
            assertEquals(4, files.size(), () -> "the writer's first (empty) file and one per result: " + files);

            assertEquals(List.of(), new QueueRetention(data, QueueRetention.KEEP_ALL_CYCLES).pruneResults(0),
                    "keep-cycles=all deletes nothing");
            assertEquals(List.of(), new QueueRetention(data, 4).pruneResults(0), "four files, four kept");
            List<File> deleted = new QueueRetention(data, 1).pruneResults(0);
            assertEquals(files.subList(0, 3), deleted.stream().map(File::getName).toList(), "the three oldest");
            assertEquals(files.subList(3, 4), cycleFiles(slotDir), "the newest stays");
            assertEquals(List.of(), new QueueRetention(data, 1).pruneResults(0), "nothing more to delete");
            assertEquals(List.of(), new QueueRetention(data, 1).pruneResults(1), "a slot without results");

            List<TaskOutcome> read = new ArrayList<>();
            try (ResultsReader reader = new ResultsReader(data)) {
                reader.poll(read::add);
            }
            assertEquals(1, read.size(), read::toString);
            assertEquals(2, read.get(0).seq());
            assertEquals("result 2", read.get(0).bodyText());
        }
    }

    private static void awaitNextCycle(SingleChronicleQueue queue) {
        int cycle = queue.cycle();
        while (queue.cycle() == cycle)
            LockSupport.parkNanos(5_000_000);
    }

    private static List<String> cycleFiles(Path slotDir) throws Exception {
        try (Stream<Path> files = Files.list(slotDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }
}
