package io.taskq.kafka;

import io.taskq.common.store.TaskOutcome;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * What the bridge may publish, and in which order: per owned partition of the tasks topic, the task records consumed
 * there in offset order, each with its outcome once known. {@link #publishable()} hands out only each partition's
 * finished prefix, so the outcomes published for a partition are always exactly those below its next committed offset:
 * the invariant behind exactly one outcome per record. The Kafka side (transactions, offsets, rebalances) is the
 * bridge's; this is the bookkeeping, testable without Kafka.
 * <p>
 * An outcome whose record is not waiting here (not consumed yet after a restart, or in a partition this bridge does
 * not own) is <em>parked</em>, and attached when its record is consumed here again; outcomes of records below an owned
 * partition's committed offset are dropped, since someone published them already.
 * <p>
 * Not thread-safe: the bridge's one thread uses it.
 */
final class PublishQueue {
    private final String topic;
    /**
     * The origin of a local task by seq, or null if the seq is not one the bridge put or its record is below a
     * committed offset (published; the bridge prunes those).
     */
    private final LongFunction<Origin> originOfSeq;
    private final Map<Integer, Partition> owned = new HashMap<>();
    private final Map<Long, Pending> pendingBySeq = new HashMap<>();
    private final Map<Long, TaskOutcome> parked = new HashMap<>();

    PublishQueue(String topic, LongFunction<Origin> originOfSeq) {
        this.topic = topic;
        this.originOfSeq = originOfSeq;
    }

    /**
     * Starts owning {@code partition} at {@code committedOffset}: everything below it is published. Forgets what was
     * pending for it before, and drops parked outcomes below the offset.
     */
    void own(int partition, long committedOffset) {
        forget(partition);
        owned.put(partition, new Partition(committedOffset));
        parked.values().removeIf(o -> {
            Origin origin = originOfSeq.apply(o.seq());
            // No origin any more: pruned by the bridge because its record is below a committed offset.
            return origin == null || origin.topic().equals(topic) && origin.partition() == partition
                    && origin.offset() < committedOffset;
        });
    }

    /** Stops owning {@code partition}: its records are forgotten, their known outcomes parked. */
    void forget(int partition) {
        Partition p = owned.remove(partition);
        if (p == null)
            return;
        for (Pending pending : p.queue)
            if (pending.origin.seq() >= 0) {
                pendingBySeq.remove(pending.origin.seq());
                if (pending.outcome != null)
                    parked.put(pending.origin.seq(), pending.outcome);
            }
    }

    /** The partitions owned now. */
    Set<Integer> owned() {
        return Set.copyOf(owned.keySet());
    }

    boolean owns(int partition) {
        return owned.containsKey(partition);
    }

    /** Where {@code partition}'s outcomes are published up to (its committed offset as this bridge knows it). */
    long publishedUpTo(int partition) {
        Partition p = owned.get(partition);
        if (p == null)
            throw new IllegalArgumentException("partition " + partition + " is not owned");
        return p.publishedUpTo;
    }

    /**
     * A record of an owned partition, consumed after every earlier one of its partition, and put as task
     * {@code origin.seq()} (now or before a restart); its outcome is attached if it is parked.
     *
     * @throws IllegalArgumentException if the partition is not owned
     * @throws IllegalStateException    if the record's offset is not above every offset of its partition so far
     */
    void consumed(Origin origin) {
        add(origin, parked.remove(origin.seq()));
    }

    /** A record of an owned partition that was never put (its seq is -1), with the outcome it has at once. */
    void consumed(Origin origin, TaskOutcome outcome) {
        if (origin.seq() >= 0)
            throw new IllegalArgumentException("a record put as task " + origin.seq() + " gets its outcome from the "
                    + "results log");
        add(origin, outcome);
    }

    private void add(Origin origin, TaskOutcome outcome) {
        Partition p = owned.get(origin.partition());
        if (p == null)
            throw new IllegalArgumentException("partition " + origin.partition() + " is not owned");
        // The whole guarantee rests on this order: a record out of place would be published past an earlier one.
        long after = p.queue.isEmpty() ? p.publishedUpTo - 1 : p.queue.peekLast().origin.offset();
        if (origin.offset() <= after)
            throw new IllegalStateException("partition " + origin.partition() + ": record at offset "
                    + origin.offset() + " consumed after offset " + after + "; records must come in offset order");
        Pending pending = new Pending(origin, outcome);
        p.queue.add(pending);
        if (origin.seq() >= 0)
            pendingBySeq.put(origin.seq(), pending);
    }

    /** A task's outcome from the results log: attached to its record, parked, or dropped if already published. */
    void outcome(TaskOutcome outcome) {
        Pending pending = pendingBySeq.get(outcome.seq());
        if (pending != null) {
            pending.outcome = outcome;
            return;
        }
        Origin origin = originOfSeq.apply(outcome.seq());
        if (origin == null)
            return;
        Partition p = origin.topic().equals(topic) ? owned.get(origin.partition()) : null;
        if (p != null && origin.offset() < p.publishedUpTo)
            return;
        parked.put(outcome.seq(), outcome);
    }

    /**
     * Takes each owned partition's finished prefix: its records from the oldest up to the first without an outcome.
     * Hand the batch to {@link #published} once it is committed, or to {@link #failed} if it is not.
     */
    Batch publishable() {
        return publishable(Integer.MAX_VALUE);
    }

    /**
     * Takes each owned partition's finished prefix, at most {@code max} records in all: a prefix of a finished prefix
     * is one too, so the rest waits for the next batch in its place.
     */
    Batch publishable(int max) {
        List<Origin> origins = new ArrayList<>();
        List<TaskOutcome> outcomes = new ArrayList<>();
        Map<Integer, Long> next = new HashMap<>();
        for (Map.Entry<Integer, Partition> e : owned.entrySet()) {
            ArrayDeque<Pending> queue = e.getValue().queue;
            while (origins.size() < max && !queue.isEmpty() && queue.peekFirst().outcome != null) {
                Pending p = queue.pollFirst();
                origins.add(p.origin);
                outcomes.add(p.outcome);
                next.put(e.getKey(), p.origin.offset() + 1);
            }
        }
        return new Batch(origins, outcomes, next);
    }

    /** The batch is committed: its partitions' outcomes are published up to its offsets. */
    void published(Batch batch) {
        for (Origin o : batch.origins())
            if (o.seq() >= 0)
                pendingBySeq.remove(o.seq());
        batch.nextOffsets().forEach((partition, offset) -> {
            Partition p = owned.get(partition);
            if (p != null)
                p.publishedUpTo = offset;
        });
    }

    /** The batch was not committed: its outcomes are parked, for when their records are consumed again. */
    void failed(Batch batch) {
        for (int i = 0; i < batch.size(); i++) {
            Origin o = batch.origins().get(i);
            if (o.seq() >= 0) {
                pendingBySeq.remove(o.seq());
                parked.put(o.seq(), batch.outcomes().get(i));
            }
        }
    }

    /** Records consumed here and not published yet, over all owned partitions. */
    int pending() {
        int n = 0;
        for (Partition p : owned.values())
            n += p.queue.size();
        return n;
    }

    /** Outcomes kept for records not waiting here. */
    int parked() {
        return parked.size();
    }

    /**
     * Outcomes to publish in one transaction: {@code origins.get(i)}'s outcome is {@code outcomes.get(i)}; a
     * partition's next committed offset is {@code nextOffsets}.
     */
    record Batch(List<Origin> origins, List<TaskOutcome> outcomes, Map<Integer, Long> nextOffsets) {
        int size() {
            return origins.size();
        }

        boolean isEmpty() {
            return origins.isEmpty();
        }
    }

    /** An owned partition: its consumed records in offset order, waiting to be published. */
    private static final class Partition {
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        /** Every record below this has its outcome published. */
        long publishedUpTo;

        Partition(long publishedUpTo) {
            this.publishedUpTo = publishedUpTo;
        }
    }

    /** A consumed record and its outcome once known. */
    private static final class Pending {
        final Origin origin;
        TaskOutcome outcome;

        Pending(Origin origin, TaskOutcome outcome) {
            this.origin = origin;
            this.outcome = outcome;
        }
    }
}
