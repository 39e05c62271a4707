package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The results log's compact records read back exactly as written: groups of several records and of one, the extremes
 * of every field (seqs far apart, negative and huge values, a negative latency, NaN and negative zero payloads), empty
 * and large bodies, a voided group that never counts, and each group's time from the queue's clock.
 */
class ResultsLogFormatTest {
    @TempDir
    Path dir;

    private record Expected(long seq, TaskOutcome.Status status, int attempts, long latency, long value,
                            double payload, byte[] body) {
    }

    @Test
    void shouldReadBackEveryFieldOfGroupedAndSingleRecordsAndSkipAVoidedGroup() {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++)
            big[i] = (byte) (i * 31);
        List<Expected> grouped = List.of(
                new Expected(0, TaskOutcome.Status.OK, 1, 0, 0, 0.0, new byte[0]),
                new Expected(1, TaskOutcome.Status.OK, 1, 1234, -1, -0.0, bytes("a")),
                new Expected(2, TaskOutcome.Status.OK, 300, Long.MAX_VALUE, Long.MIN_VALUE, Double.NaN, big),
                new Expected(1L << 40, TaskOutcome.Status.OK, Integer.MAX_VALUE, -5, Long.MAX_VALUE,
                        Double.NEGATIVE_INFINITY, bytes("far away")));
        Expected single = new Expected(Long.MAX_VALUE - 1, TaskOutcome.Status.DEAD, 5, 77, 0, 0,
                bytes("java.lang.IllegalStateException: poison"));
        Expected voided = new Expected(9, TaskOutcome.Status.OK, 1, 1, 1, 1, bytes("never counts"));

        try (DataDirectory data = DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY)) {
            ResultSlot slot = data.slots().slot(1);
            SlotFigures f = new SlotFigures();
            slot.readFigures(f);
            long from = System.currentTimeMillis();
            try (ResultsLog.Writer w = data.results().writer(1)) {
                for (Expected e : grouped)
                    w.add(e.seq, e.attempts, e.latency, e.value, e.payload, e.body, e.body.length);
                assertEquals(grouped.size(), w.gathered());
                w.flush(slot.nextSelector());
                assertEquals(0, w.gathered());
                slot.publishFigures(f);
                w.dead(slot.nextSelector(), single.seq, single.attempts, single.latency, single.body);
                slot.publishFigures(f);
                // A group whose publish never happened: voided by whoever takes the slot next.
                w.add(voided.seq, voided.attempts, voided.latency, voided.value, voided.payload, voided.body,
                        voided.body.length);
                w.flush(slot.nextSelector());
                assertEquals(true, w.voidUnpublished(slot.selectorCount()));
                assertEquals(false, w.voidUnpublished(slot.selectorCount()), "voided once");
                slot.publishFigures(f); // the next publish reaches the voided group's count
            }
            long to = System.currentTimeMillis();
            List<TaskOutcome> read = new ArrayList<>();
            try (ResultsReader reader = new ResultsReader(data)) {
                reader.poll(read::add);
            }
            List<Expected> expected = new ArrayList<>(grouped);
            expected.add(single);
            assertEquals(expected.size(), read.size(), read::toString);
            for (int i = 0; i < expected.size(); i++) {
                Expected e = expected.get(i);
                TaskOutcome o = read.stream().filter(x -> x.seq() == e.seq).findFirst().orElseThrow();
                assertEquals(e.status, o.status(), o::toString);
                assertEquals(e.attempts, o.attempts(), o::toString);
                assertEquals(e.latency, o.latencyNanos(), o::toString);
                assertEquals(e.value, o.value(), o::toString);
                assertEquals(Double.doubleToRawLongBits(e.payload), Double.doubleToRawLongBits(o.payload()),
                        o::toString);
                assertArrayEquals(e.body, o.body(), () -> "body of seq " + e.seq);
                assertEquals(1, o.slot());
                // Stamped with the queue clock's reading in writingDocument (1 ms either side: two clocks).
                assertTrue(from - 1 <= o.handledMillis() && o.handledMillis() <= to + 1,
                        () -> o + " handled at " + o.handledMillis() + ", outside [" + from + ", " + to + "]");
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
