package io.taskq.cli;

import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.LatencyBuckets;
import io.taskq.common.store.Progress;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotSnapshot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What {@code taskq metrics} prints: one data directory's progress in the Prometheus text exposition format, version
 * 0.0.4, from the same reading {@code taskq status} makes ({@link Progress}, the slots' latency buckets). Every family
 * has its {@code # HELP} and {@code # TYPE} line, counters end in {@code _total}, times are in seconds. Every sample
 * carries the label {@code data_dir} (the directory's absolute path), so that the files of several data directories
 * in one textfile collector, or scrapes of several hosts, stay distinct series; the per-slot families also carry
 * {@code slot="N"}. Samples have no timestamps (node_exporter's textfile collector refuses them). Dashboards and
 * alerts read these names: rename none.
 * <p>
 * The latency from put to done is a histogram per slot, so that it aggregates across slots. Its buckets are powers
 * of two of nanoseconds from 2<sup>10</sup> (about 1 us) to 2<sup>36</sup> (about 69 s): each is a boundary of the
 * slot's own {@link LatencyBuckets}, so the counts are exact, not interpolated. Those buckets hold whole nanoseconds,
 * so {@code le} = 2<sup>k</sup> ns counts the tasks done in less than 2<sup>k</sup> ns (one done in exactly
 * 2<sup>k</sup> ns counts from the next boundary on).
 */
final class MetricsReport {
    /** The histogram's upper bounds, {@code 2^10 .. 2^36} nanoseconds. */
    static final long[] LATENCY_BOUNDS_NANOS = latencyBounds(10, 36);

    private final StringBuilder sb = new StringBuilder(8192);
    /** {@code data_dir="..."}, escaped: the label every sample carries first. */
    private final String dirLabel;

    private MetricsReport(DataDirectory data) {
        dirLabel = "data_dir=\"" + labelValue(data.dir().toAbsolutePath().normalize().toString()) + "\"";
    }

    /**
     * The exposition of {@code data}: {@code p} was read from it, {@code rates} measured over the last sampling
     * interval; {@code leaseMillis} is {@code consumer.lease}, against which slots count as orphaned or frozen.
     */
    static String of(DataDirectory data, Progress p, StatusCommand.Rates rates, long leaseMillis) {
        // The buckets first, as close to p's reading as possible: consumers keep adding to them meanwhile.
        List<LatencyBuckets> latencies = new ArrayList<>();
        for (SlotSnapshot s : p.slots())
            latencies.add(StatusCommand.latencies(data, s.index()));
        MetricsReport m = new MetricsReport(data);
        m.job(p, rates);
        m.slots(p.slots(), latencies, leaseMillis);
        return m.sb.toString();
    }

    private void job(Progress p, StatusCommand.Rates rates) {
        family("taskq_info", "gauge", "The data directory these metrics describe and its schema version; always 1.");
        sb.append("taskq_info{").append(dirLabel).append(",schema=\"").append(Schema.VERSION).append("\"} 1\n");
        single("taskq_tasks_submitted_total", "counter", "Tasks put into the stream.", p.submitted());
        single("taskq_tasks_claimed_total", "counter",
                "Tasks handed to some consumer (the claim cursor: every seq below it is claimed).", p.claimed());
        single("taskq_tasks_done_total", "counter", "Tasks done, summed over all slots.", p.done());
        single("taskq_tasks_dead_total", "counter",
                "Tasks dead-lettered after failing their last attempt (taskq dead lists them).", p.dead());
        single("taskq_handler_failures_total", "counter",
                "Failed handler calls; each scheduled a retry or made a task dead.", p.failures());
        single("taskq_tasks_backlog", "gauge", "Tasks submitted and not yet finished (done or dead).", p.backlog());
        single("taskq_tasks_retrying", "gauge", "Tasks waiting in backoff for another attempt.", p.retrying());
        single("taskq_tasks_in_flight", "gauge", "Tasks claimed by a slot and not yet done, summed over all slots.",
                p.slots().stream().mapToLong(SlotSnapshot::inFlight).sum());
        single("taskq_stream_sealed", "gauge", "1 once the stream is sealed (it takes no more tasks).",
                p.sealed() ? 1 : 0);
        single("taskq_stream_all_done", "gauge",
                "1 once the stream is sealed and every task in it is finished (done or dead).",
                p.allDone() ? 1 : 0);
        family("taskq_throughput_tasks_per_second", "gauge",
                "Tasks done per second over the sampling interval (200 ms, or --interval).");
        sb.append("taskq_throughput_tasks_per_second{").append(dirLabel).append("} ")
                .append(number(Math.round(rates.total() * 10) / 10.0)).append('\n');
    }

    private void slots(List<SlotSnapshot> slots, List<LatencyBuckets> latencies, long leaseMillis) {
        long nowMillis = System.currentTimeMillis();
        perSlot("taskq_slot_tasks_done_total", "counter", "Tasks this slot did.", slots, s -> s.figures().done);
        perSlot("taskq_slot_handler_attempts_total", "counter",
                "Handler calls this slot made, including calls repeated after a kill.", slots,
                SlotSnapshot::attempts);
        perSlot("taskq_slot_handler_failures_total", "counter", "Failed handler calls this slot recorded.", slots,
                SlotSnapshot::failures);
        perSlot("taskq_slot_tasks_dead_total", "counter", "Tasks this slot dead-lettered.", slots,
                SlotSnapshot::dead);
        perSlotText("taskq_slot_heartbeat_age_seconds", "gauge",
                "Seconds since the slot's owner last stamped its heartbeat.", slots,
                s -> seconds(Math.max(0, nowMillis - s.heartbeatMillis()), 3));
        perSlot("taskq_slot_tasks_in_flight", "gauge", "Tasks this slot claimed and has not done yet.", slots,
                SlotSnapshot::inFlight);
        perSlot("taskq_slot_tasks_retrying", "gauge", "Tasks of this slot waiting in backoff for another attempt.",
                slots, SlotSnapshot::retrying);
        perSlot("taskq_slot_alive", "gauge", "1 while the slot's owner process runs (same pid and start time).",
                slots, s -> s.alive() ? 1 : 0);
        perSlot("taskq_slot_orphaned", "gauge",
                "1 while the slot's work is orphaned (owner gone, heartbeat older than consumer.lease).", slots,
                s -> StatusCommand.orphaned(s, leaseMillis) ? 1 : 0);
        perSlot("taskq_slot_frozen", "gauge",
                "1 while the slot's owner runs and holds work, its heartbeat older than consumer.lease.", slots,
                s -> StatusCommand.frozen(s, leaseMillis) ? 1 : 0);
        perSlot("taskq_slot_taken_over", "gauge",
                "1 once another consumer took over the work of this slot's stopped owner.", slots,
                s -> s.fenced() ? 1 : 0);
        histograms(slots, latencies);
    }

    private void histograms(List<SlotSnapshot> slots, List<LatencyBuckets> latencies) {
        String name = "taskq_slot_task_latency_seconds";
        family(name, "histogram", "Time from put to done of the tasks this slot did (queueing included).");
        for (int i = 0; i < slots.size(); i++) {
            SlotSnapshot s = slots.get(i);
            LatencyBuckets lat = latencies.get(i);
            String slot = dirLabel + ",slot=\"" + s.index() + "\"";
            long cumulative = 0;
            int bucket = 0;
            for (long bound : LATENCY_BOUNDS_NANOS) {
                while (bucket < LatencyBuckets.COUNT && LatencyBuckets.upperBound(bucket) < bound)
                    cumulative += lat.countAt(bucket++);
                sb.append(name).append("_bucket{").append(slot).append(",le=\"").append(seconds(bound, 9))
                        .append("\"} ").append(cumulative).append('\n');
            }
            long count = lat.count();
            sb.append(name).append("_bucket{").append(slot).append(",le=\"+Inf\"} ").append(count).append('\n');
            // The sum comes from the slot's figures, the counts from its buckets, updated right after them.
            sb.append(name).append("_sum{").append(slot).append("} ")
                    .append(seconds(s.figures().latencySumNanos, 9)).append('\n');
            sb.append(name).append("_count{").append(slot).append("} ").append(count).append('\n');
        }
    }

    private void family(String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(helpText(help)).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void single(String name, String type, String help, long value) {
        family(name, type, help);
        sb.append(name).append('{').append(dirLabel).append("} ").append(value).append('\n');
    }

    private void perSlot(String name, String type, String help, List<SlotSnapshot> slots,
                         ToLongFunction<SlotSnapshot> value) {
        perSlotText(name, type, help, slots, s -> Long.toString(value.applyAsLong(s)));
    }

    private void perSlotText(String name, String type, String help, List<SlotSnapshot> slots,
                             Function<SlotSnapshot, String> value) {
        family(name, type, help);
        for (SlotSnapshot s : slots)
            sb.append(name).append('{').append(dirLabel).append(",slot=\"").append(s.index()).append("\"} ")
                    .append(value.apply(s)).append('\n');
    }

    /** A label value as the format requires: backslash, double quote and line feed escaped. */
    static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A HELP text as the format requires: backslash and line feed escaped. */
    static String helpText(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** {@code units} of {@code 10^-scale} seconds, exact and without exponent: 1024 ns is {@code 0.000001024}. */
    static String seconds(long units, int scale) {
        return BigDecimal.valueOf(units, scale).stripTrailingZeros().toPlainString();
    }

    /** A sample value: whole numbers without a decimal point, others in plain decimal notation. */
    static String number(double value) {
        if (Double.isNaN(value))
            return "NaN";
        if (Double.isInfinite(value))
            return value > 0 ? "+Inf" : "-Inf";
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
            return Long.toString((long) value);
        return BigDecimal.valueOf(value).toPlainString();
    }

    private static long[] latencyBounds(int fromExponent, int toExponent) {
        long[] bounds = new long[toExponent - fromExponent + 1];
        for (int i = 0; i < bounds.length; i++)
            bounds[i] = 1L << (fromExponent + i);
        return bounds;
    }
}
