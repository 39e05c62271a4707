package io.taskq.kafka;

import io.taskq.common.store.TaskOutcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's bookkeeping without Kafka: what it may publish, in which order, across restarts, revocations and
 * failed commits. Tasks are put in the order of the {@code origins} list: seq i is {@code origins.get(i)}.
 */
class PublishQueueTest {
    private final List<Origin> origins = new ArrayList<>();
    private final PublishQueue queue = new PublishQueue("tasks",
            seq -> seq >= 0 && seq < origins.size() ? origins.get((int) seq) : null);

    /** Puts the record at partition/offset as the next task and returns its origin. */
    private Origin put(int partition, long offset) {
        Origin o = new Origin(origins.size(), "tasks", partition, offset,
                ("k" + partition + "-" + offset).getBytes(StandardCharsets.UTF_8));
        origins.add(o);
        return o;
    }

    private static TaskOutcome ok(Origin o) {
        return new TaskOutcome(o.seq(), TaskOutcome.Status.OK, new byte[0], o.offset(), 0, 0, 1, 0, 0);
    }

    private static List<Long> offsets(PublishQueue.Batch batch) {
        return batch.origins().stream().map(Origin::offset).toList();
    }

    @Test
    void shouldLeaveTheRestOfTheFinishedPrefixForTheNextBatchWhenABatchIsCapped() {
        queue.own(0, 0);
        queue.own(1, 0);
        List<Origin> all = new ArrayList<>();
        for (int i = 0; i < 3; i++)
            for (int p = 0; p < 2; p++)
                all.add(put(p, i));
        for (Origin o : all)
            queue.consumed(o);
        for (Origin o : all)
            queue.outcome(ok(o));
        PublishQueue.Batch first = queue.publishable(4);
        assertEquals(4, first.size());
        queue.published(first);
        PublishQueue.Batch second = queue.publishable(4);
        assertEquals(2, second.size());
        queue.published(second);
        assertEquals(3, queue.publishedUpTo(0));
        assertEquals(3, queue.publishedUpTo(1));
        for (PublishQueue.Batch b : List.of(first, second))
            b.nextOffsets().forEach((p, next) -> assertEquals(b.origins().stream()
                    .filter(o -> o.partition() == p).mapToLong(Origin::offset).max().orElseThrow() + 1, next));
        assertEquals(0, queue.pending());
    }

    @Test
    void shouldPublishOnlyTheFinishedPrefixOfEachPartitionInOffsetOrder() {
        queue.own(0, 10);
        Origin a = put(0, 10);
        Origin b = put(0, 11);
        Origin c = put(0, 12);
        for (Origin o : List.of(a, b, c))
            queue.consumed(o);
        queue.outcome(ok(c));
        queue.outcome(ok(a));
        PublishQueue.Batch first = queue.publishable();
        assertEquals(List.of(10L), offsets(first), "b is not finished: c waits behind it");
        assertEquals(Map.of(0, 11L), first.nextOffsets());
        queue.published(first);
        assertEquals(11, queue.publishedUpTo(0));
        assertTrue(queue.publishable().isEmpty());
        queue.outcome(ok(b));
        PublishQueue.Batch second = queue.publishable();
        assertEquals(List.of(11L, 12L), offsets(second));
        assertEquals(Map.of(0, 13L), second.nextOffsets());
        queue.published(second);
        assertEquals(0, queue.pending());
    }

    @Test
    void anOutcomeReadBeforeItsRecordIsConsumedAgainShouldWaitForIt() {
        // After a restart the results log is read from its start, maybe before the records are consumed again.
        Origin a = put(3, 0);
        Origin b = put(3, 1);
        queue.outcome(ok(b));
        queue.outcome(ok(a));
        assertEquals(2, queue.parked());
        queue.own(3, 1);
        assertEquals(1, queue.parked(), "a is below the committed offset: published before the restart");
        queue.consumed(b);
        assertEquals(List.of(1L), offsets(queue.publishable()));
        assertEquals(0, queue.parked());
    }

    @Test
    void shouldNeverPublishForAPartitionItNoLongerOwnsEvenWhenItsTasksFinishLater() {
        queue.own(1, 0);
        Origin a = put(1, 0);
        Origin b = put(1, 1);
        queue.consumed(a);
        queue.consumed(b);
        queue.outcome(ok(a));
        queue.forget(1);
        queue.outcome(ok(b));
        assertTrue(queue.publishable().isEmpty());
        assertEquals(2, queue.parked(), "kept in case the partition comes back");
        // Back, and another bridge published offset 0 meanwhile: only b's outcome may still be published here.
        queue.own(1, 1);
        assertEquals(1, queue.parked());
        queue.consumed(b);
        PublishQueue.Batch batch = queue.publishable();
        assertEquals(List.of(1L), offsets(batch));
        assertEquals(b.seq(), batch.outcomes().get(0).seq());
    }

    @Test
    void anOutcomeBelowTheCommittedOffsetShouldBeDropped() {
        Origin a = put(2, 4);
        queue.own(2, 5);
        queue.outcome(ok(a));
        assertEquals(0, queue.parked());
        assertTrue(queue.publishable().isEmpty());
    }

    @Test
    void aFailedCommitShouldPublishTheSameOutcomesOnceTheRecordsAreConsumedAgain() {
        queue.own(0, 0);
        Origin a = put(0, 0);
        Origin b = put(0, 1);
        queue.consumed(a);
        queue.consumed(b);
        queue.outcome(ok(a));
        queue.outcome(ok(b));
        PublishQueue.Batch aborted = queue.publishable();
        assertEquals(2, aborted.size());
        queue.failed(aborted);
        queue.own(0, 0); // the bridge goes back to the committed offset
        assertEquals(2, queue.parked());
        queue.consumed(a);
        queue.consumed(b);
        PublishQueue.Batch again = queue.publishable();
        assertEquals(List.of(0L, 1L), offsets(again));
        assertEquals(List.of(a.seq(), b.seq()), again.outcomes().stream().map(TaskOutcome::seq).toList());
    }

    @Test
    void aRecordNeverPutShouldBePublishedWithItsOwnOutcomeInItsPlace() {
        queue.own(0, 0);
        Origin a = put(0, 0);
        queue.consumed(a);
        Origin tooLong = new Origin(-1, "tasks", 0, 1, null);
        TaskOutcome dead = new TaskOutcome(-1, TaskOutcome.Status.DEAD, new byte[0], 0, 0, -1, 0, 0, 0);
        queue.consumed(tooLong, dead);
        assertTrue(queue.publishable().isEmpty(), "behind a");
        queue.outcome(ok(a));
        assertEquals(List.of(0L, 1L), offsets(queue.publishable()));
        assertThrows(IllegalArgumentException.class, () -> queue.consumed(a, dead));
        assertThrows(IllegalArgumentException.class, () -> queue.consumed(put(9, 0)), "partition 9 is not owned");
    }

    @Test
    void shouldRefuseARecordOutOfOffsetOrder() {
        queue.own(0, 5);
        Origin below = put(0, 4);
        assertThrows(IllegalStateException.class, () -> queue.consumed(below), "below the committed offset");
        Origin a = put(0, 6);
        Origin b = put(0, 7);
        queue.consumed(b);
        assertThrows(IllegalStateException.class, () -> queue.consumed(a), "a put after b, but offset 6 < 7");
    }
}
