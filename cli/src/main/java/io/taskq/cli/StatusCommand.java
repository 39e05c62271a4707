package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.LatencyBuckets;
import io.taskq.common.store.OrphanAdoption;
import io.taskq.common.store.Progress;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotSnapshot;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code taskq status [--json] [--watch] [--interval D] [--data-dir DIR]}: the ledger's counters, the totals over
 * all slots, the backlog, the rates, and one row per used slot. Reads only; takes no lock.
 */
final class StatusCommand {
    static final String USAGE = """
            usage: taskq status [--json] [--watch] [--interval DURATION] [--data-dir DIR] [--config FILE]
              --json       one JSON object (with --watch: one per line)
              --watch      redraw every interval until interrupted
              --interval   sampling interval for rates and --watch (default 1s; 200ms for a single status)
            """;

    private StatusCommand() {
    }

    static int run(String[] args, PrintStream out) throws InterruptedException {
        Options o = Options.parse("taskq status", args, Set.of("interval", "data-dir", "config"),
                Set.of("json", "watch", "help"), false);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        boolean watch = o.flag("watch");
        Duration interval = o.durationValue("interval", watch ? Duration.ofSeconds(1) : Duration.ofMillis(200));
        if (interval.isZero())
            throw TaskQException.usage("taskq status: --interval=" + o.get("interval") + ": must be more than 0");
        TaskQConfig config = Launch.config(o, Launch.dataDirFlag());
        long leaseMillis = config.get(Keys.LEASE).toMillis();
        try (DataDirectory data = DataDirectory.openExisting(config.get(Keys.DATA_DIR), config.get(Keys.ROLL_CYCLE), config.dataDirAccess())) {
            Progress before = Progress.read(data);
            long beforeNanos = System.nanoTime();
            do {
                Thread.sleep(interval.toMillis());
                Progress now = Progress.read(data);
                long nowNanos = System.nanoTime();
                Rates rates = new Rates(before, now, (nowNanos - beforeNanos) / 1e9);
                if (o.flag("json"))
                    out.println(json(data, now, rates, leaseMillis));
                else {
                    if (watch && Terminal.interactive())
                        out.print("\033[H\033[2J");
                    out.print(text(data, now, rates, leaseMillis));
                }
                out.flush();
                before = now;
                beforeNanos = nowNanos;
            } while (watch);
        }
        return 0;
    }

    /** Tasks per second over one sampling interval, in total and per slot. */
    record Rates(double total, Map<Integer, Double> perSlot) {
        /** No sampling interval: one snapshot, no rates. */
        static final Rates NONE = new Rates(0, Map.of());

        Rates(Progress before, Progress now, double seconds) {
            this(Math.max(0, now.done() - before.done()) / seconds, perSlot(before, now, seconds));
        }

        private static Map<Integer, Double> perSlot(Progress before, Progress now, double seconds) {
            Map<Integer, Long> was = new HashMap<>();
            before.slots().forEach(s -> was.put(s.index(), s.figures().done));
            Map<Integer, Double> rates = new HashMap<>();
            now.slots().forEach(s -> rates.put(s.index(),
                    Math.max(0, s.figures().done - was.getOrDefault(s.index(), s.figures().done)) / seconds));
            return rates;
        }
    }

    /**
     * True when a slot has claimed seqs it will not finish by itself: its owner process is gone and its heartbeat is
     * older than the lease. A running consumer adopts them between two of its batches, or a consumer started with
     * that index resumes them.
     */
    static boolean orphaned(SlotSnapshot s, long leaseMillis) {
        return OrphanAdoption.isOrphan(s.inFlight() > 0, s.heartbeatMillis(), s.alive(), leaseMillis, System.currentTimeMillis());
    }

    /** Nanoseconds as microseconds with one decimal: sub-microsecond handling must not read as 0. */
    static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    static LatencyBuckets latencies(DataDirectory data, int slot) {
        LatencyBuckets buckets = new LatencyBuckets();
        data.slots().slot(slot).addLatencies(buckets);
        return buckets;
    }

    static String json(DataDirectory data, Progress p, Rates rates, long leaseMillis) {
        return fields(new Json().begin(), data, p, rates, leaseMillis).end().toString();
    }

    /** Writes the status fields into the open object {@code j}; {@code taskq doctor} nests them too. */
    static Json fields(Json j, DataDirectory data, Progress p, Rates rates, long leaseMillis) {
        j.field("schemaVersion", Schema.VERSION)
                .field("dataDir", data.dir().toString())
                .field("slotsMax", data.slots().size())
                .field("submitted", p.submitted())
                .field("claimed", p.claimed())
                .field("done", p.done())
                .field("backlog", p.backlog())
                .field("watermark", p.watermark())
                .field("sealed", p.sealed())
                .field("sealedCount", p.sealedCount())
                .field("allDone", p.allDone())
                .field("sumValue", p.sumValue())
                .field("sumPayload", p.sumPayload())
                .field("tasksPerSec", Math.round(rates.total()));
        j.beginArray("slots");
        long now = System.currentTimeMillis();
        for (SlotSnapshot s : p.slots()) {
            LatencyBuckets lat = latencies(data, s.index());
            j.begin()
                    .field("index", s.index())
                    .field("pid", s.pid())
                    .field("alive", s.alive())
                    .field("state", s.state().name())
                    .field("done", s.figures().done)
                    .field("sumValue", s.figures().sumValue)
                    .field("sumPayload", s.figures().sumPayload)
                    .field("lastSeq", s.figures().lastSeq)
                    .field("inFlight", s.inFlight())
                    .field("orphaned", orphaned(s, leaseMillis))
                    .field("restarts", s.restarts())
                    .field("adopted", s.adopted())
                    .field("attempts", s.attempts())
                    .field("heartbeatAgeMillis", Math.max(0, now - s.heartbeatMillis()))
                    .field("tasksPerSec", Math.round(rates.perSlot().getOrDefault(s.index(), 0.0)))
                    .field("latencyP50Micros", micros(lat.percentile(50)))
                    .field("latencyP99Micros", micros(lat.percentile(99)))
                    .field("latencyMaxMicros", micros(lat.max()))
                    .end();
        }
        return j.endArray();
    }

    static String text(DataDirectory data, Progress p, Rates rates, long leaseMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("TaskQ ").append(data.dir()).append("  (schema ").append(Schema.VERSION).append(", ")
                .append(data.slots().size()).append(" slots)\n");
        sb.append(String.format(Locale.ROOT, "submitted %s  claimed %s  done %s  backlog %s  rate %s tasks/s%n",
                Terminal.count(p.submitted()), Terminal.count(p.claimed()), Terminal.count(p.done()),
                Terminal.count(p.backlog()), Terminal.rate(rates.total())));
        sb.append(p.sealed() ? "stream sealed at " + Terminal.count(p.sealedCount()) + " tasks"
                + (p.allDone() ? ", all done" : "") : "stream open").append('\n');
        if (p.slots().isEmpty()) {
            sb.append("no consumer has used a slot yet\n");
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "%-5s %-8s %-8s %-5s %12s %16s %20s %12s %8s %10s %9s%n", "slot", "pid",
                "state", "alive", "done", "sumValue", "sumPayload", "lastSeq", "inFlight", "rate/s", "p99(us)"));
        for (SlotSnapshot s : p.slots()) {
            LatencyBuckets lat = latencies(data, s.index());
            sb.append(String.format(Locale.ROOT, "%-5d %-8d %-8s %-5s %12s %16d %20.1f %12d %8d %10s %9.1f%n", s.index(),
                    s.pid(), s.state(), s.alive() ? "yes" : "no", Terminal.count(s.figures().done), s.figures().sumValue,
                    s.figures().sumPayload, s.figures().lastSeq, s.inFlight(),
                    Terminal.rate(rates.perSlot().getOrDefault(s.index(), 0.0)), micros(lat.percentile(99))));
        }
        sb.append(String.format(Locale.ROOT, "%-29s %12s %16d %20.1f%n", "total", Terminal.count(p.done()), p.sumValue(),
                p.sumPayload()));
        for (SlotSnapshot s : p.slots())
            if (orphaned(s, leaseMillis))
                sb.append(String.format(Locale.ROOT, "slot %d: %s claimed tasks are orphaned; owner pid %d is gone (heartbeat %ds ago); "
                                + "a running consumer adopts them, or start `taskq consume --index %d`%n", s.index(),
                        Terminal.count(s.inFlight()), s.pid(), (System.currentTimeMillis() - s.heartbeatMillis()) / 1000, s.index()));
        return sb.toString();
    }
}
