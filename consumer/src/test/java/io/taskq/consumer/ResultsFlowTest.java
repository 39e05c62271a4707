package io.taskq.consumer;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.ResultsLog;
import io.taskq.common.store.ResultsReader;
import io.taskq.common.store.SlotFigures;
import io.taskq.common.store.TaskOutcome;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The results log through a real queue, map and results queues in one JVM: one outcome per task, with the handler's
 * body, and exactly one even when a commit's record was written but its slot publish never landed.
 */
class ResultsFlowTest {
    /** A pid above Linux's pid_max: an owner that is never alive, as after a kill. */
    private static final long DEAD_OWNER = ResultSlot.ownerWord(999_999_999L, 1_700_000_000_000L);

    @TempDir
    Path dir;

    /** Replies with the body upper-cased; every seq divisible by 7 fails every call. */
    private static final class Upper implements TaskHandler {
        @Override
        public String name() {
            return "upper";
        }

        @Override
        public void handle(Task task, TaskResult result) {
            if (task.seq() % 7 == 0)
                throw new IllegalStateException("seq " + task.seq() + " always fails");
            result.set(task.seq(), 0.5).body(new String(task.bodyBytes(), StandardCharsets.UTF_8).toUpperCase());
        }
    }

    private TaskProducer producer(int n) {
        TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build());
        for (int i = 0; i < n; i++)
            producer.put(0, 0, ("task " + i).getBytes(StandardCharsets.UTF_8));
        return producer;
    }

    private ConsumerSettings.Builder consumer(int index) {
        return ConsumerSettings.builder(dir).index(index).batchSize(16).maxAttempts(2)
                .retryBackoff(Duration.ofMillis(1)).retryMaxBackoff(Duration.ofMillis(2));
    }

    private static Map<Long, List<TaskOutcome>> outcomes(DataDirectory data) {
        Map<Long, List<TaskOutcome>> bySeq = new HashMap<>();
        try (ResultsReader reader = new ResultsReader(data)) {
            reader.poll(o -> bySeq.computeIfAbsent(o.seq(), s -> new ArrayList<>()).add(o));
        }
        return bySeq;
    }

    @Test
    @Timeout(60)
    void shouldRecordOneOutcomePerTaskWithItsBody() {
        int n = 500;
        try (TaskProducer producer = producer(n)) {
            producer.seal();
            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), new Upper())) {
                assertTrue(c.run(IdleStrategies.create("yielding"), true));
            }
            Map<Long, List<TaskOutcome>> bySeq = outcomes(producer.data());
            assertEquals(n, bySeq.size());
            for (long seq = 0; seq < n; seq++) {
                List<TaskOutcome> list = bySeq.get(seq);
                assertEquals(1, list.size(), "seq " + seq);
                TaskOutcome o = list.get(0);
                assertEquals(0, o.slot());
                if (seq % 7 == 0) {
                    assertEquals(TaskOutcome.Status.DEAD, o.status());
                    assertEquals(2, o.attempts());
                    assertEquals(IllegalStateException.class.getName() + ": seq " + seq + " always fails",
                            o.bodyText());
                } else {
                    assertEquals(TaskOutcome.Status.OK, o.status());
                    assertEquals("TASK " + seq, o.bodyText());
                    assertEquals(seq, o.value());
                    assertEquals(1, o.attempts());
                }
            }
            Optional<TaskOutcome> one = ResultsReader.await(producer.data(), 43, Duration.ofSeconds(1));
            assertEquals("TASK 43", one.orElseThrow().bodyText());
            assertFalse(ResultsReader.await(producer.data(), n + 5, Duration.ofMillis(50)).isPresent());
        }
    }

    @Test
    @Timeout(60)
    void aRecordWhosePublishNeverLandedIsVoidedAndTheTaskGetsOneOutcome() {
        int n = 40;
        try (TaskProducer producer = producer(n)) {
            producer.seal();
            DataDirectory data = producer.data();
            // Slot 0 claimed [0, 16), committed seqs 0..4, and was killed after writing the record of seq 5, before
            // its publish.
            ResultSlot slot = data.slots().slot(0);
            assertTrue(slot.casOwner(slot.ownerWord(), DEAD_OWNER));
            assertEquals(16, new io.taskq.common.store.ClaimProtocol(data.ledger(), data.slots())
                    .claim(0, slot, 16));
            SlotFigures f = new SlotFigures();
            slot.readFigures(f);
            f.batchLo = 0;
            f.batchHi = 16;
            f.doneUpTo = 5;
            try (ResultsLog.Writer w = data.results().writer(0)) {
                for (long seq = 0; seq < 5; seq++) {
                    f.done++;
                    w.ok(slot.nextSelector(), seq, 1, 0, seq, 0.5, ("TASK " + seq).getBytes(StandardCharsets.UTF_8),
                            ("TASK " + seq).length());
                    slot.publishFigures(f);
                }
                w.ok(slot.nextSelector(), 5, 1, 0, 5, 0.5, "TASK 5 (never landed)".getBytes(StandardCharsets.UTF_8),
                        "TASK 5 (never landed)".length());
            }
            assertEquals(5, outcomes(data).size(), "the record of seq 5 is not decided while its publish is missing");

            try (TaskConsumer c = TaskConsumer.open(consumer(0).build(), new Upper())) {
                assertTrue(c.run(IdleStrategies.create("yielding"), true));
            }
            Map<Long, List<TaskOutcome>> bySeq = outcomes(data);
            assertEquals(n, bySeq.size());
            for (Map.Entry<Long, List<TaskOutcome>> e : bySeq.entrySet())
                assertEquals(1, e.getValue().size(), "seq " + e.getKey() + ": " + e.getValue());
            assertEquals("TASK 5", bySeq.get(5L).get(0).bodyText(), "the restarted consumer's record counts");
            assertArrayEquals("TASK 39".getBytes(StandardCharsets.UTF_8), bySeq.get(39L).get(0).body());
            Progress p = Progress.read(data);
            assertEquals(p.done() + p.dead(), bySeq.size());
        }
    }
}
