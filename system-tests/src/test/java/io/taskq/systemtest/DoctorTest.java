package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.store.Schema;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq doctor} on a healthy directory (exit 0), on one where a dead process still holds the queue's write
 * lock (exit 1, attention), and on a damaged one (exit 2, the same one-line refusal as every command); it never changes
 * the directory.
 */
class DoctorTest extends ProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(240)
    void shouldReportAHealthyDirectoryWithItsFilesCountersAndSlotsAndExitZero() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "100", "--seal", "--data-dir", data.toString());
        TaskqProcess consumer = taskq.runOk("consume", "consume", "--index", "2", "--exit-on-eos",
                "--data-dir", data.toString());
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess text = taskq.run("doctor", "doctor", "--data-dir", data.toString());
        TaskqProcess json = taskq.run("doctor-json", "doctor", "--json", "--data-dir", data.toString());

        assertEquals(0, text.exitCode(), text::describe);
        String out = text.stdout();
        for (String expected : List.of("TaskQ doctor: " + data, "ledger                           4,096 bytes",
                "results.cm3 ", "tasks/metadata.cq4t ",
                "ledger: ok (schema " + Schema.VERSION + ", 64 slots); submitted 100, claim cursor 100 "
                        + "(last claim by slot 2), sealed at 100",
                "queue chronicle.write.lock: free", "slot 2: EXITED, owner pid " + consumer.pid() + " dead or released",
                "nothing in flight", "pending claims: none", "verdict: healthy"))
            assertTrue(out.contains(expected), () -> "doctor prints '" + expected + "':\n" + out);
        assertEquals(0, json.exitCode(), json::describe);
        JsonNode report = JSON.readTree(json.stdout());
        assertEquals("healthy", report.get("verdict").asText(), report::toString);
        assertEquals(0, report.get("problems").size(), report::toString);
        assertEquals(100, report.get("status").get("done").asLong(), report::toString);
        assertEquals(2, report.get("status").get("slots").get(0).get("index").asInt(), report::toString);
        List<String> paths = new ArrayList<>();
        report.get("files").forEach(f -> paths.add(f.get("path").asText()));
        assertTrue(paths.containsAll(List.of("ledger", "results.cm3", "tasks", "tasks/metadata.cq4t")),
                paths::toString);
        assertEquals(before, DataDirSnapshot.of(data), "doctor changes nothing");
    }

    @Test
    @Timeout(240)
    void shouldFlagAQueueWriteLockHeldByADeadProcessAndExitOne() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "10", "--data-dir", data.toString());
        long deadPid = deadPid();
        // What a producer killed inside put leaves behind: Chronicle Queue's write lock word still holds its pid.
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(data.resolve("tasks").toFile()).build();
             LongValue lock = queue.metaStore().acquireValueFor("chronicle.write.lock")) {
            lock.setVolatileValue(deadPid);
        }

        TaskqProcess doctor = taskq.run("doctor", "doctor", "--data-dir", data.toString());

        assertEquals(1, doctor.exitCode(), doctor::describe);
        String out = doctor.stdout();
        assertTrue(out.contains("queue chronicle.write.lock: held by pid " + deadPid + " (dead)"), out);
        assertTrue(out.contains("problem: queue chronicle.write.lock held by pid " + deadPid + ", which is gone"), out);
        assertTrue(out.contains("verdict: attention (1 problem)"), out);
    }

    @Test
    @Timeout(240)
    void shouldRefuseADamagedDirectoryButStillListItsFiles() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "10", "--data-dir", data.toString());
        Files.write(data.resolve("results.cm3"), new byte[(int) Files.size(data.resolve("results.cm3"))]);
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess doctor = taskq.run("doctor", "doctor", "--data-dir", data.toString());

        assertRejected(doctor, "doctor", data.resolve("results.cm3") + ": zeroed (no map header)");
        String out = doctor.stdout();
        assertTrue(out.contains("results.cm3 ") && out.contains("tasks/metadata.cq4t "), out);
        assertTrue(out.contains("verdict: refused: " + data.resolve("results.cm3") + ": zeroed (no map header)"), out);
        assertEquals(before, DataDirSnapshot.of(data), "doctor changes nothing");
    }

    /** The pid of a process that ran and exited (pids are not reused that quickly). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is gone");
        return pid;
    }
}
