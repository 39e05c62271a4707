package io.taskq.consumer;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.ClaimProtocol;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.DeadLetters;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.SlotFigures;
import io.taskq.common.wire.DeadLetter;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handler failures through a real queue, map and dead-letter queue in one JVM: retries, dead letters, and the slot
 * states a kill can leave behind in the middle of recording a failure.
 */
class FailuresFlowTest {
    /** A pid above Linux's pid_max: an owner that is never alive, as after a kill. */
    private static final long DEAD_OWNER = ResultSlot.ownerWord(999_999_999L, 1_700_000_000_000L);

    @TempDir
    Path dir;

    /** Throws for every seq divisible by 10 (poison), and on the first attempt of every seq ending in 3 (flaky). */
    private static final class PoisonAndFlaky implements TaskHandler {
        final ExampleHandler example = new ExampleHandler();
        final AtomicLong calls = new AtomicLong();

        @Override
        public String name() {
            return "poison-and-flaky";
        }

        @Override
        public void handle(Task task, TaskResult result) {
            calls.incrementAndGet();
            if (task.seq() % 10 == 0)
                throw new IllegalStateException("poison seq " + task.seq());
            if (task.seq() % 10 == 3 && task.attempt() == 1)
                throw new IllegalArgumentException("flaky seq " + task.seq());
            example.handle(task, result);
        }
    }

    private TaskProducer producer(int n) {
        TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build());
        for (long i = 0; i < n; i++)
            producer.put(Workload.value(i), Workload.payload(i));
        return producer;
    }

    private ConsumerSettings.Builder consumer(int index) {
        return ConsumerSettings.builder(dir).index(index).batchSize(16).maxAttempts(3)
                .retryBackoff(Duration.ofMillis(1)).retryMaxBackoff(Duration.ofMillis(4));
    }

    @Test
    @Timeout(60)
    void shouldRetryFailedTasksAndDeadLetterPoisonExactlyOnce() throws Exception {
        int n = 1000;
        PoisonAndFlaky handler = new PoisonAndFlaky();
        try (TaskProducer producer = producer(n)) {
            producer.seal();
            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), handler)) {
                assertTrue(c.run(IdleStrategies.create("yielding"), true), "stops at end of stream");
            }
            Progress p = Progress.read(producer.data());
            assertEquals(100, p.dead(), "every tenth task is poison");
            assertEquals(900, p.done());
            assertEquals(0, p.retrying());
            assertEquals(100 * 3 + 100, p.failures(), "three failed calls per poison task, one per flaky task");
            assertEquals(900 + 300 + 100, handler.calls.get(), "no call beyond max-attempts");
            assertEquals(n, p.watermark());
            assertTrue(p.allDone());
            long[] expected = doneTotals(n, s -> s % 10 != 0);
            assertEquals(expected[0], p.sumValue());

            List<DeadLetter> dead = producer.data().deadLetters().list();
            assertEquals(100, dead.size());
            assertEquals(java.util.stream.LongStream.range(0, 100).map(i -> i * 10).boxed().toList(),
                    dead.stream().map(d -> d.seq).sorted().toList(), "each poison task once");
            for (DeadLetter d : dead) {
                assertEquals(3, d.attempts);
                assertEquals(IllegalStateException.class.getName(), d.errorClass);
                assertEquals("poison seq " + d.seq, d.errorMessage);
                assertTrue(d.stack.startsWith("at "), d.stack);
                assertEquals(Workload.value(d.seq), d.value);
                assertEquals(Workload.payload(d.seq), d.payload);
            }
        }
    }

    /** Sums the example handler's result values over the seqs below {@code n} that {@code done} accepts. */
    private static long[] doneTotals(int n, java.util.function.LongPredicate done) throws Exception {
        ExampleHandler example = new ExampleHandler();
        TaskResult r = new TaskResult();
        long sum = 0;
        for (long s = 0; s < n; s++) {
            if (!done.test(s))
                continue;
            example.handle(Task.of(Workload.value(s), Workload.payload(s)), r);
            sum += r.value();
        }
        return new long[]{sum};
    }

    @Test
    @Timeout(60)
    void shouldNotHoldUpTheRestOfTheBatchWhileATaskWaitsForItsRetry() throws Exception {
        try (TaskProducer producer = producer(64)) {
            TaskHandler failSeq0 = new TaskHandler() {
                @Override
                public String name() {
                    return "fail-seq-0";
                }

                @Override
                public void handle(Task task, TaskResult result) {
                    if (task.seq() == 0)
                        throw new IllegalStateException("seq 0 fails");
                    result.set(1, 0);
                }
            };
            try (TaskConsumer c = TaskConsumer.open(consumer(0).batchSize(32).retryBackoff(Duration.ofHours(1))
                    .retryMaxBackoff(Duration.ofHours(1)).build(), failSeq0)) {
                assertEquals(32, c.doWork(), "the whole first batch, seq 0's failure included");
                assertEquals(32, c.doWork(), "and the next batch at once, while seq 0 waits an hour");
                assertEquals(1, c.retriesWaiting());
                Progress p = Progress.read(producer.data());
                assertEquals(63, p.done());
                assertEquals(1, p.retrying());
                assertEquals(0, p.watermark(), "seq 0 is not finished");
                assertEquals(0, p.dead());
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldWriteTheDeadLetterAKilledConsumerCountedButDidNotWrite() throws Exception {
        try (TaskProducer producer = producer(10)) {
            producer.seal();
            DataDirectory data = producer.data();
            // Slot 0 handled [0, 10), counted seq 4 dead and was killed before it appended the letter.
            ResultSlot slot = killedOwnerOf(data, 0);
            SlotFigures f = figuresAfterBatch(data, slot, 10);
            f.done = 9;
            f.failures = 3;
            f.dead = 1;
            f.deadSerial = 1;
            f.pendingDeadSeq = 4;
            f.pendingDeadAttempts = 3;
            slot.publishFigures(f);
            assertEquals(4, Progress.read(data).watermark(), "an announced dead letter keeps the job open");

            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), new PoisonAndFlaky())) {
                assertEquals(0, c.doWork());
            }
            DeadLetters letters = data.deadLetters();
            List<DeadLetter> dead = letters.list();
            assertEquals(1, dead.size());
            assertEquals(4, dead.get(0).seq);
            assertEquals(3, dead.get(0).attempts);
            assertEquals(DeadLetter.ERROR_NOT_RECORDED, dead.get(0).errorMessage);
            assertEquals(Workload.value(4), dead.get(0).value);
            Progress p = Progress.read(data);
            assertEquals(10, p.watermark());
            assertEquals(1, p.dead(), "counted once");
            assertTrue(p.allDone());

            // Killed again after the append but before clearing the announcement: not written twice.
            slot = killedOwnerOf(data, 0);
            slot.readFigures(f);
            f.pendingDeadSeq = 4;
            slot.publishFigures(f);
            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), new PoisonAndFlaky())) {
                assertEquals(0, c.doWork());
            }
            assertEquals(1, letters.list().size(), "the letter was there already");
            assertEquals(1, Progress.read(data).dead());
        }
    }

    @Test
    @Timeout(60)
    void shouldDropARetryEntryWrittenForAnUpdateThatAKillPrevented() throws Exception {
        try (TaskProducer producer = producer(10)) {
            producer.seal();
            DataDirectory data = producer.data();
            ResultSlot slot = killedOwnerOf(data, 0);
            SlotFigures f = figuresAfterBatch(data, slot, 10);
            f.done = 10;
            slot.publishFigures(f);
            // The owner wrote a retry entry for seq 7 for its next publish, and was killed before publishing.
            slot.writeRetryEntry(0, 7, 0, 1, 0, slot.nextSelector());
            assertEquals(0, Progress.read(data).retrying());

            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), new PoisonAndFlaky())) {
                assertEquals(0, c.retriesWaiting(), "the half-written entry is not a retry");
                c.doWork(); // publishes nothing new, but any later publish must not bring the entry to life
            }
            slot = killedOwnerOf(data, 0);
            slot.readFigures(f);
            slot.publishFigures(f);
            slot.publishFigures(f);
            Progress p = Progress.read(data);
            assertEquals(0, p.retrying());
            assertEquals(10, p.watermark());
        }
    }

    @Test
    @Timeout(60)
    void shouldAdoptTheRetriesOfAConsumerThatIsGone() throws Exception {
        try (TaskProducer producer = producer(40)) {
            producer.seal();
            DataDirectory data = producer.data();
            TaskHandler failOnce = new TaskHandler() {
                @Override
                public String name() {
                    return "fail-once";
                }

                @Override
                public void handle(Task task, TaskResult result) throws Exception {
                    if (task.seq() % 4 == 1 && task.attempt() == 1)
                        throw new IllegalStateException("first attempt of seq " + task.seq());
                    new ExampleHandler().handle(task, result);
                }
            };
            // Slot 1 handles [0, 16): seqs 1, 5, 9 and 13 fail once and wait an hour; then it stops for good.
            try (TaskConsumer gone = TaskConsumer.open(consumer(1).retryBackoff(Duration.ofHours(1))
                    .retryMaxBackoff(Duration.ofHours(1)).heartbeat(Duration.ofMillis(10))
                    .lease(Duration.ofMillis(100)).build(), failOnce)) {
                assertEquals(16, gone.doWork());
                assertEquals(4, gone.retriesWaiting());
            }
            // Slot 0 adopts them once slot 1's lease is over, and handles them when they are due (still an hour:
            // the due times move with the entries), so the test only checks the move and the accounting.
            try (TaskConsumer c = TaskConsumer.open(consumer(0).heartbeat(Duration.ofMillis(10))
                    .lease(Duration.ofMillis(100)).build(), failOnce)) {
                assertTrue(io.taskq.common.Await.FAST.until(Duration.ofSeconds(20), () -> {
                    c.doWork();
                    Progress q = Progress.read(data);
                    return q.done() == 36 && q.retrying() == 4 && slot(q, 1).retrying() == 0;
                }), () -> Progress.read(data).slots().toString());
                assertEquals(4, c.retriesWaiting(), "slot 1's four retries moved here");
                Progress p = Progress.read(data);
                assertEquals(4, p.retrying(), "counted once, in slot 0");
                assertEquals(4, slot(p, 0).adopted(), "slot 0 counts the four it took over");
                assertEquals(0, slot(p, 1).retrying());
                assertEquals(1, p.watermark());
                assertEquals(36, p.done());
                assertEquals(4 + 6, p.failures(), "slot 1's four, and slot 0's six of [16, 40)");
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldCountACallCutOffByTheTaskTimeoutAsAFailedAttemptOnRestart() throws Exception {
        try (TaskProducer producer = producer(10)) {
            producer.seal();
            DataDirectory data = producer.data();
            // Slot 0 claimed [0, 10), finished seqs 0..3, and its watchdog cut off the call of seq 4, then halted.
            ResultSlot slot = killedOwnerOf(data, 0);
            SlotFigures f = figuresAfterBatch(data, slot, 10);
            f.done = 4;
            f.doneUpTo = 4;
            slot.publishFigures(f);
            assertTrue(slot.markTimedOut(slot.selector(), 4, -1, 0));
            f.done = 5; // the cut-off call's own commit, arriving too late
            f.doneUpTo = 5;
            org.junit.jupiter.api.Assertions.assertFalse(slot.publishFiguresIfCurrent(f), "fenced");
            assertEquals(4, Progress.read(data).done());

            try (TaskConsumer c = TaskConsumer.open(consumer(0).retryBackoff(Duration.ofHours(1))
                    .retryMaxBackoff(Duration.ofHours(1)).build(), new ExampleHandler())) {
                assertEquals(1, c.retriesWaiting(), "seq 4 waits for its second attempt");
                assertEquals(5, c.doWork(), "seqs 5..9");
            }
            Progress p = Progress.read(data);
            assertEquals(9, p.done());
            assertEquals(1, p.failures());
            assertEquals(1, p.retrying());
            assertEquals(4, p.watermark());
            assertTrue(!slot.timedOut(), "the mark is cleared once the failure is counted");
        }
    }

    @Test
    @Timeout(60)
    void shouldDeadLetterACutOffLastAttemptWhenAdoptingTheSlot() throws Exception {
        try (TaskProducer producer = producer(10)) {
            producer.seal();
            DataDirectory data = producer.data();
            // Slot 0's seq 4 had failed twice (max-attempts 3) and was in retry entry 0; its third call was cut off.
            ResultSlot slot = killedOwnerOf(data, 0);
            SlotFigures f = figuresAfterBatch(data, slot, 10);
            f.done = 9;
            f.failures = 2;
            slot.writeRetryEntry(0, 4, 0, 2, 0, slot.nextSelector());
            slot.publishFigures(f);
            assertEquals(1, Progress.read(data).retrying());
            assertTrue(slot.markTimedOut(slot.selector(), 4, 0, 2));

            // Slot 1 adopts slot 0's work once its lease is over, counting the cut-off call first.
            try (TaskConsumer c = TaskConsumer.open(consumer(1).heartbeat(Duration.ofMillis(10))
                    .lease(Duration.ofMillis(100)).build(), new ExampleHandler())) {
                assertTrue(io.taskq.common.Await.FAST.until(Duration.ofSeconds(20), () -> {
                    c.doWork();
                    return Progress.read(data).allDone();
                }));
            }
            Progress p = Progress.read(data);
            assertEquals(9, p.done());
            assertEquals(1, p.dead());
            assertEquals(3, p.failures());
            assertEquals(0, p.retrying());
            List<DeadLetter> dead = data.deadLetters().list();
            assertEquals(1, dead.size());
            assertEquals(4, dead.get(0).seq);
            assertEquals(3, dead.get(0).attempts);
            assertEquals(java.util.concurrent.TimeoutException.class.getName(), dead.get(0).errorClass);
            assertEquals(0, dead.get(0).slot, "the letter names the slot whose call timed out");
        }
    }

    private static io.taskq.common.store.SlotSnapshot slot(Progress p, int index) {
        return p.slots().stream().filter(s -> s.index() == index).findFirst().orElseThrow();
    }

    /** Slot {@code index} as a killed owner leaves it: owned by a dead process, heartbeat long ago. */
    private static ResultSlot killedOwnerOf(DataDirectory data, int index) {
        ResultSlot slot = data.slots().slot(index);
        assertTrue(slot.casOwner(slot.ownerWord(), DEAD_OWNER));
        slot.state(io.taskq.common.store.SlotState.RUNNING);
        slot.heartbeat(1);
        return slot;
    }

    /** Claims {@code [0, hi)} for slot 0 and returns its figures as if it had finished that batch. */
    private static SlotFigures figuresAfterBatch(DataDirectory data, ResultSlot slot, long hi) {
        assertEquals(hi, new ClaimProtocol(data.ledger(), data.slots()).claim(0, slot, (int) hi));
        SlotFigures f = new SlotFigures();
        slot.readFigures(f);
        f.batchLo = 0;
        f.batchHi = hi;
        f.doneUpTo = hi;
        return f;
    }
}
