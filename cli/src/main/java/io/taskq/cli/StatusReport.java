package io.taskq.cli;

import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.LatencyBuckets;
import io.taskq.common.store.Progress;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotSnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code taskq status --json} prints (and {@code doctor --json} nests as {@code status}): the ledger's counters,
 * the totals over all slots and one entry per used slot. Scripts read these field names, in this order; the
 * components must not be renamed or reordered. New fields go after the ones they belong with.
 * <p>
 * Failure accounting: {@code dead} tasks failed on their last attempt ({@code taskq dead} lists them),
 * {@code retrying} tasks wait in backoff for another attempt, {@code failures} counts the failed handler calls (each
 * scheduled a retry or made a task dead), and a slot's {@code repeats} counts the handler calls repeated because a
 * consumer was killed before their outcome was recorded ({@code attempts - done - failures}).
 */
record StatusReport(int schemaVersion, String dataDir, int slotsMax, long submitted, long claimed, long done,
                    long dead, long retrying, long failures, long backlog, long watermark, boolean sealed,
                    long sealedCount, boolean allDone, long sumValue, double sumPayload, long tasksPerSec,
                    List<Slot> slots) {

    /** One used result slot. */
    record Slot(int index, long pid, boolean alive, String state, long done, long dead, long retrying, long failures,
                long sumValue, double sumPayload, long lastSeq, long inFlight, boolean orphaned, boolean frozen,
                boolean takenOver, long restarts, long adopted, long attempts, long repeats, long heartbeatAgeMillis,
                long tasksPerSec, double latencyP50Micros, double latencyP99Micros, double latencyMaxMicros) {
    }

    /** A snapshot of {@code data}; {@code p} was read from it, {@code rates} over the last sampling interval. */
    static StatusReport of(DataDirectory data, Progress p, StatusCommand.Rates rates, long leaseMillis) {
        long now = System.currentTimeMillis();
        List<Slot> slots = new ArrayList<>();
        for (SlotSnapshot s : p.slots()) {
            LatencyBuckets lat = StatusCommand.latencies(data, s.index());
            slots.add(new Slot(s.index(), s.pid(), s.alive(), s.state().name(), s.figures().done, s.dead(),
                    s.retrying(), s.failures(), s.figures().sumValue, s.figures().sumPayload, s.figures().lastSeq,
                    s.inFlight(), StatusCommand.orphaned(s, leaseMillis), StatusCommand.frozen(s, leaseMillis),
                    s.fenced(), s.restarts(), s.adopted(), s.attempts(),
                    s.repeats(), Math.max(0, now - s.heartbeatMillis()),
                    Math.round(rates.perSlot().getOrDefault(s.index(), 0.0)),
                    StatusCommand.micros(lat.percentile(50)), StatusCommand.micros(lat.percentile(99)),
                    StatusCommand.micros(lat.max())));
        }
        return new StatusReport(Schema.VERSION, data.dir().toString(), data.slots().size(), p.submitted(),
                p.claimed(), p.done(), p.dead(), p.retrying(), p.failures(), p.backlog(), p.watermark(), p.sealed(),
                p.sealedCount(), p.allDone(), p.sumValue(), p.sumPayload(), Math.round(rates.total()), slots);
    }
}
