package io.taskq.common.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Reads the results log ({@link ResultsLog}) of every slot and hands out each task's outcome exactly once, as soon as
 * it is decided: a group of records counts once the slot publish it was written for has happened and no later group
 * of its slot has the same count. Poll it again to follow new outcomes.
 * <p>
 * Not thread-safe: one reader per thread. Holds one tailer per slot that has results.
 */
public final class ResultsReader implements Closeable {
    /** Most groups read from one slot in one {@link #poll}, so that slots take turns. */
    private static final int ROUND = 4096;

    private final DataDirectory data;
    private final ExcerptTailer[] tailers;
    /** A record read but not decided yet, per slot: its outcome or null, and its count. */
    private final Rec[] pending;
    private final List<TaskOutcome> round = new ArrayList<>();

    public ResultsReader(DataDirectory data) {
        this.data = data;
        int slots = data.slots().size();
        this.tailers = new ExcerptTailer[slots];
        this.pending = new Rec[slots];
    }

    /**
     * Hands every outcome decided now and not handed out before to {@code sink}: slot by slot, up to a round of
     * records each, each round in the order the outcomes were counted.
     *
     * @return the number handed out; 0 when there is nothing new
     */
    public int poll(Consumer<TaskOutcome> sink) {
        int total = 0;
        for (; ; ) {
            round.clear();
            boolean more = false;
            for (int s = 0; s < tailers.length; s++)
                more |= readSlot(s);
            round.sort(Comparator.comparingLong(TaskOutcome::handledMillis).thenComparingInt(TaskOutcome::slot));
            for (TaskOutcome o : round)
                sink.accept(o);
            total += round.size();
            if (!more)
                return total;
        }
    }

    /** Reads slot {@code s}'s decided groups into {@link #round}; true if it stopped at the round's limit. */
    private boolean readSlot(int s) {
        if (tailers[s] == null) {
            if (!data.results().exists(s))
                return false;
            tailers[s] = data.results().queue(s).createTailer();
        }
        ResultSlot slot = data.slots().slot(s);
        for (int n = 0; n < ROUND; n++) {
            if (pending[s] == null && (pending[s] = read(s)) == null)
                return false;
            long count = pending[s].count;
            // The publish first, then the look-ahead: every record with this count was appended before its publish.
            if (count > slot.selectorCount())
                return false;
            Rec next = read(s);
            if (next == null || next.count != count)
                round.addAll(pending[s].outcomes);
            pending[s] = next;
            if (next == null)
                return false;
        }
        return true;
    }

    /** The next group of slot {@code s}, or null if there is none yet. */
    private Rec read(int s) {
        try (DocumentContext dc = tailers[s].readingDocument()) {
            if (!dc.isPresent())
                return null;
            Bytes<?> b = dc.wire().bytes();
            long count = b.readLong();
            int records = b.readInt();
            if (records == ResultsLog.VOID)
                return new Rec(count, List.of());
            long handled = b.readLong();
            List<TaskOutcome> outcomes = new ArrayList<>(records);
            long seq = -1;
            for (int i = 0; i < records; i++) {
                seq += ResultsLog.readVarint(b);
                byte status = b.readByte();
                int attempts = (int) ResultsLog.readVarint(b);
                long latency = ResultsLog.unzigzag(ResultsLog.readVarint(b));
                long value = ResultsLog.unzigzag(ResultsLog.readVarint(b));
                double payload = b.readDouble();
                byte[] body = new byte[(int) ResultsLog.readVarint(b)];
                b.read(body);
                TaskOutcome.Status st = status == ResultsLog.DEAD ? TaskOutcome.Status.DEAD : TaskOutcome.Status.OK;
                outcomes.add(new TaskOutcome(seq, st, body, value, payload, s, attempts, handled, latency));
            }
            return new Rec(count, outcomes);
        }
    }

    /**
     * Waits up to {@code timeout} for task {@code seq}'s outcome: request and reply. Reads the log from the start, so
     * each call costs a read of every outcome counted so far.
     */
    public static Optional<TaskOutcome> await(DataDirectory data, long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        TaskOutcome[] found = new TaskOutcome[1];
        try (ResultsReader reader = new ResultsReader(data)) {
            for (long park = 50_000; ; park = Math.min(park * 2, 10_000_000)) {
                reader.poll(o -> {
                    if (o.seq() == seq && found[0] == null)
                        found[0] = o;
                });
                if (found[0] != null)
                    return Optional.of(found[0]);
                if (System.nanoTime() >= deadline)
                    return Optional.empty();
                LockSupport.parkNanos(park);
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < tailers.length; i++) {
            if (tailers[i] != null) {
                tailers[i].close();
                tailers[i] = null;
            }
        }
    }

    /** A group: its count and its outcomes (none for a void group). */
    private record Rec(long count, List<TaskOutcome> outcomes) {
    }
}
