package io.taskq.bench;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PoisonHandler}: which tasks it fails, what it computes for the others, the totals a poison run expects. */
class PoisonHandlerTest {
    @Test
    void computesWhatTheExampleHandlerComputesForEveryTaskThatIsNotPoison() {
        PoisonHandler poison = new PoisonHandler();
        ExampleHandler example = new ExampleHandler();
        TaskResult got = new TaskResult();
        TaskResult expected = new TaskResult();
        for (long seq = 0; seq < 3_000; seq++) {
            if (seq % 1000 == 7)
                continue;
            Task task = Task.of(seq, 0, Workload.value(seq), Workload.payload(seq), new byte[0]);
            poison.handle(task, got);
            example.handle(task, expected);
            assertEquals(expected.value(), got.value(), "value of seq " + seq);
            assertEquals(expected.payload(), got.payload(), "payload of seq " + seq);
        }
    }

    @Test
    void failsEveryCallOfATaskWhoseValueModulo1000Is7() {
        PoisonHandler poison = new PoisonHandler();
        for (long seq : new long[]{7, 1_007, 999_007}) {
            Task task = Task.of(seq, 0, Workload.value(seq), Workload.payload(seq), new byte[0]);
            PoisonHandler.PoisonTaskException e = assertThrows(PoisonHandler.PoisonTaskException.class,
                    () -> poison.handle(task, new TaskResult()));
            assertEquals("seq " + seq + " is a poison task (value 7, value % 1000 == 7): bench-poison fails every "
                    + "call of it", e.getMessage());
        }
        assertThrows(PoisonHandler.PoisonTaskException.class,
                () -> poison.handle(Task.of(1_007, 2.0), new TaskResult()), "the rule is on the value, not the seq");
    }

    @Test
    void expectsOnePoisonTaskInAThousandAndTheClosedFormWithoutThem() {
        assertEquals(List.of(), PoisonHandler.expected(7).poisonSeqs());
        assertEquals(List.of(7L), PoisonHandler.expected(8).poisonSeqs());
        assertEquals(50, PoisonHandler.expected(50_000).poison());
        PoisonHandler.Expected million = PoisonHandler.expected(1_000_000);
        assertEquals(1_000, million.poison());
        assertEquals(999_000, million.done());
        assertEquals(999_007, million.poisonSeqs().get(999));
        for (long n : new long[]{0, 1, 7, 8, 1_000, 1_008, 2_500, 50_000}) {
            PoisonHandler.Expected e = PoisonHandler.expected(n);
            long sumValue = 0;
            double sumPayload = 0;
            List<Long> poison = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                if (Workload.value(i) % 1000 == 7) {
                    poison.add(i);
                } else {
                    sumValue += Workload.value(i) + 1L;
                    sumPayload += Workload.payload(i) * 2;
                }
            }
            assertEquals(poison, e.poisonSeqs(), "poison seqs of " + n);
            assertEquals(n - poison.size(), e.done(), "done of " + n);
            assertEquals(sumValue, e.sumValue(), "sumValue of " + n);
            assertEquals(sumPayload, e.sumPayload(), "sumPayload of " + n);
        }
    }

    @Test
    void consumersFindItByName() {
        List<String> names = ServiceLoader.load(TaskHandler.class).stream().map(p -> p.get().name()).toList();
        assertTrue(names.contains(PoisonHandler.NAME), names.toString());
    }
}
