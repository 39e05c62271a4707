package io.taskq.cli;

import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.LatencyBuckets;
import io.taskq.common.store.OrphanAdoption;
import io.taskq.common.store.Progress;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code taskq status [--json] [--watch] [--interval D] [--data-dir DIR]}: the ledger's counters, the totals over
 * all slots (done, dead, retrying), the backlog, the rates, and one row per used slot with its failed handler calls.
 * Reads only; takes no lock.
 */
@Command(name = "status", sortOptions = false, description = "show totals and one row per slot (--json, --watch)")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object (with --watch: one per line)")
    private boolean json;
    @Option(names = "--watch", description = "redraw every interval until interrupted")
    private boolean watch;
    @Option(names = "--interval", paramLabel = "DURATION", converter = OptionValues.PositiveTimeSpan.class,
            description = "sampling interval for rates and --watch (default 1s; 200ms for a single status)")
    private Duration interval;
    @Mixin
    private DataDirOption dataDir;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private Verbosity verbosity;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = taskq.out();
        Duration every = interval != null ? interval : watch ? Duration.ofSeconds(1) : Duration.ofMillis(200);
        TaskQConfig config = Launch.config(spec);
        long leaseMillis = config.get(Keys.LEASE).toMillis();
        try (DataDirectory data = Launch.openExisting(config)) {
            Progress before = Progress.read(data);
            long beforeNanos = System.nanoTime();
            do {
                // The sampling interval of the rates: a measurement, not a wait for a condition.
                Thread.sleep(every.toMillis());
                Progress now = Progress.read(data);
                long nowNanos = System.nanoTime();
                Rates rates = new Rates(before, now, (nowNanos - beforeNanos) / 1e9);
                if (json)
                    out.println(JsonOutput.line(StatusReport.of(data, now, rates, leaseMillis)));
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
     * True when a slot has work it will not finish by itself (claimed seqs, tasks waiting to retry, or a dead letter
     * counted but perhaps not written) and its owner process is gone and its heartbeat is older than the lease: the
     * work a running consumer adopts ({@link OrphanAdoption#orphaned}), between two of its batches, or a consumer
     * started with that index resumes.
     */
    static boolean orphaned(SlotSnapshot s, long leaseMillis) {
        boolean unfinished = s.inFlight() > 0 || s.retrying() > 0 || s.figures().pendingDeadSeq >= 0;
        return OrphanAdoption.isOrphan(unfinished, s.heartbeatMillis(), s.alive(), leaseMillis,
                System.currentTimeMillis());
    }

    /**
     * True when a slot's owner process runs but has not stamped its heartbeat for longer than the lease while it holds
     * claimed tasks or tasks waiting to retry: stopped, swapped out or in a very long pause. A running consumer takes
     * that work over and fences the slot ({@link OrphanAdoption#frozen}).
     */
    static boolean frozen(SlotSnapshot s, long leaseMillis) {
        boolean unfinished = s.inFlight() > 0 || s.retrying() > 0;
        return OrphanAdoption.isFrozen(unfinished, s.heartbeatMillis(), s.alive(), s.fenced(), leaseMillis,
                System.currentTimeMillis());
    }

    /** A line for each slot whose owner is stopped (see {@link #frozen}), or whose work was taken over meanwhile. */
    static List<String> stoppedOwners(Progress p, long leaseMillis) {
        List<String> lines = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (SlotSnapshot s : p.slots()) {
            long age = (now - s.heartbeatMillis()) / 1000;
            if (frozen(s, leaseMillis))
                lines.add(String.format(Locale.ROOT, "slot %d: owner pid %d runs but its heartbeat is %ds old (lease "
                        + "%ds): stopped? a running consumer takes its %s over", s.index(), s.pid(), age,
                        leaseMillis / 1000, orphanedWork(s)));
            else if (s.fenced() && s.alive())
                lines.add(String.format(Locale.ROOT, "slot %d: owner pid %d was stopped (heartbeat %ds old) and its "
                        + "work was taken over; it exits with code 7 if it resumes", s.index(), s.pid(), age));
        }
        return lines;
    }

    /** What an orphaned slot leaves undone, e.g. {@code 42,499 claimed tasks and 3 tasks waiting to retry}. */
    static String orphanedWork(SlotSnapshot s) {
        List<String> work = new ArrayList<>();
        if (s.inFlight() > 0)
            work.add(Terminal.count(s.inFlight()) + " claimed tasks");
        work.addAll(workBesidesTheBatch(s));
        return String.join(" and ", work);
    }

    /** A slot's unfinished work other than its claimed batch: tasks waiting to retry, a dead letter to write. */
    static List<String> workBesidesTheBatch(SlotSnapshot s) {
        List<String> work = new ArrayList<>();
        if (s.retrying() > 0)
            work.add(Terminal.count(s.retrying()) + " tasks waiting to retry");
        if (s.figures().pendingDeadSeq >= 0)
            work.add("the dead letter of seq " + s.figures().pendingDeadSeq);
        return work;
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

    /**
     * How a sealed stream stands: {@code ", all done"} once every task is done, {@code ", all finished, 200 dead"}
     * once every task is done or dead, nothing while some are not finished.
     */
    private static String ended(Progress p) {
        if (!p.allDone())
            return "";
        return p.dead() == 0 ? ", all done" : ", all finished, " + Terminal.count(p.dead()) + " dead";
    }

    static String text(DataDirectory data, Progress p, Rates rates, long leaseMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("TaskQ ").append(data.dir()).append("  (schema ").append(Schema.VERSION).append(", ")
                .append(data.slots().size()).append(" slots)\n");
        sb.append(String.format(Locale.ROOT,
                "submitted %s  claimed %s  done %s  dead %s  retrying %s  backlog %s  rate %s tasks/s%n",
                Terminal.count(p.submitted()), Terminal.count(p.claimed()), Terminal.count(p.done()),
                Terminal.count(p.dead()), Terminal.count(p.retrying()), Terminal.count(p.backlog()),
                Terminal.rate(rates.total())));
        sb.append(p.sealed() ? "stream sealed at " + Terminal.count(p.sealedCount()) + " tasks" + ended(p)
                : "stream open").append('\n');
        if (p.slots().isEmpty()) {
            sb.append("no consumer has used a slot yet\n");
            return sb.toString();
        }
        sb.append(String.format(Locale.ROOT, "%-5s %-8s %-8s %-5s %12s %8s %9s %16s %20s %12s %8s %10s %9s%n", "slot",
                "pid", "state", "alive", "done", "dead", "failures", "sumValue", "sumPayload", "lastSeq", "inFlight",
                "rate/s", "p99(us)"));
        for (SlotSnapshot s : p.slots()) {
            LatencyBuckets lat = latencies(data, s.index());
            sb.append(String.format(Locale.ROOT, "%-5d %-8d %-8s %-5s %12s %8s %9s %16d %20.1f %12d %8d %10s %9.1f%n",
                    s.index(), s.pid(), s.state(), s.alive() ? "yes" : "no", Terminal.count(s.figures().done),
                    Terminal.count(s.dead()), Terminal.count(s.failures()), s.figures().sumValue,
                    s.figures().sumPayload, s.figures().lastSeq, s.inFlight(),
                    Terminal.rate(rates.perSlot().getOrDefault(s.index(), 0.0)), micros(lat.percentile(99))));
        }
        sb.append(String.format(Locale.ROOT, "%-29s %12s %8s %9s %16d %20.1f%n", "total", Terminal.count(p.done()),
                Terminal.count(p.dead()), Terminal.count(p.failures()), p.sumValue(), p.sumPayload()));
        for (SlotSnapshot s : p.slots())
            if (orphaned(s, leaseMillis))
                sb.append(String.format(Locale.ROOT, "slot %d: %s are orphaned; owner pid %d is gone "
                                + "(heartbeat %ds ago); a running consumer adopts them, or start "
                                + "`taskq consume --index %d`%n", s.index(), orphanedWork(s), s.pid(),
                        (System.currentTimeMillis() - s.heartbeatMillis()) / 1000, s.index()));
        for (String line : stoppedOwners(p, leaseMillis))
            sb.append(line).append(System.lineSeparator());
        return sb.toString();
    }
}
