package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad configuration, options, input and data directories, each through a real {@code bin/taskq} process: exit code
 * 2, one error line on stderr that starts with {@code taskq <command>: } and names the culprit, and a data directory
 * (already holding 10 tasks) left exactly as it was.
 */
class BadInputTest extends ProcessTest {
    @Test
    @Timeout(120)
    void shouldRejectAnUnknownConfigKeyNamingTheFileAndTheKey() throws Exception {
        Path data = dataDirWithTenTasks();
        Path config = Files.writeString(tmp.resolve("unknown-key.yaml"), "consumer:\n  batchsize: 5\n");
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("consume", "consume", "--index", "0", "--config", config.toString(),
                "--data-dir", data.toString());

        assertRejected(p, "consume", config.toString(), "consumer.batchsize");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectAnOutOfRangeConfigValueNamingKeyValueFileAndAllowedRange() throws Exception {
        Path data = dataDirWithTenTasks();
        Path config = Files.writeString(tmp.resolve("zero-batch.yaml"), "consumer:\n  batch-size: 0\n");
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("consume", "consume", "--index", "0", "--config", config.toString(),
                "--data-dir", data.toString());

        assertRejected(p, "consume", "consumer.batch-size=0 in " + config, "must be 1..65536");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectABadOrUnknownTaskqEnvironmentVariableNamingIt() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess bad = taskq.run("consume-bad-env", Map.of("TASKQ_CONSUMER_BATCH_SIZE", "abc"),
                "consume", "--index", "0", "--data-dir", data.toString());
        assertRejected(bad, "consume", "TASKQ_CONSUMER_BATCH_SIZE", "abc", "1..65536");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");

        TaskqProcess unknown = taskq.run("consume-unknown-env", Map.of("TASKQ_NOPE", "1"),
                "consume", "--index", "0", "--data-dir", data.toString());
        assertRejected(unknown, "consume", "TASKQ_NOPE");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectANegativeOrHugeCountNamingTheOptionAndRange() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess negative = taskq.run("produce-negative", "produce", "--count", "-5",
                "--data-dir", data.toString());
        assertRejected(negative, "produce", "--count=-5", "must be 0..");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");

        TaskqProcess huge = taskq.run("produce-huge", "produce", "--count", "99999999999999999",
                "--data-dir", data.toString());
        assertRejected(huge, "produce", "--count=99999999999999999", "must be 0..");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectAnIndexBeyondTheDataDirectorysSlots() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("consume", "consume", "--index", "64", "--data-dir", data.toString());

        assertRejected(p, "consume", "--index=64", "must be 0..63");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectVerifyWithoutSealAndJoinBeforeSubmittingAnything() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("produce", "produce", "--count", "5", "--seal", "--verify",
                "--data-dir", data.toString());

        assertRejected(p, "produce", "--verify needs --count N, --seal and --join");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRejectAnIndexThatIsNeitherASlotNumberNorAuto() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("consume", "consume", "--index", "any", "--data-dir", data.toString());

        assertRejected(p, "consume", "--index=any", "must be a slot number (0..slots.max-1) or auto");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    @Test
    @Timeout(180)
    void shouldRefuseASecondLiveConsumerWithAnIndexInUseNamingTheFirstOnesPid() throws Exception {
        Path data = dataDirWithTenTasks();
        // A long heartbeat keeps the first consumer from writing its slot again once it has handled the 10 tasks,
        // so any change to the files would be the second consumer's.
        TaskqProcess first = taskq.start("consume-first",
                Map.of("TASKQ_CONSUMER_HEARTBEAT", "10m", "TASKQ_CONSUMER_LEASE", "30m"),
                "consume", "--index", "0", "--data-dir", data.toString());
        try (ProgressProbe probe = ProgressProbe.open(data, Duration.ofSeconds(60))) {
            probe.await(Duration.ofSeconds(90), "the first consumer to handle the 10 tasks",
                    p -> p.done() == 10, first);
            // Read after done == 10 was seen, IDLE is the state written after the batch, the consumer's last write.
            probe.await(Duration.ofSeconds(30), "the first consumer to go idle",
                    p -> p.slots().size() == 1 && p.slots().get(0).state() == SlotState.IDLE, first);
        }
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess second = taskq.run("consume-second", "consume", "--index", "0", "--data-dir", data.toString());

        assertRejected(second, "consume", "--index=0", "in use by live pid " + first.pid());
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
        assertTrue(first.isAlive(), () -> "the first consumer keeps running\n" + first.describe());
        JsonNode slot = StatusAssertions.slot(taskq.status(data), 0);
        assertEquals(first.pid(), slot.get("pid").asLong(),
                () -> "slot 0 still belongs to the first consumer: " + slot);
    }

    @Test
    @Timeout(120)
    void shouldRejectADataDirectoryThatCannotBeCreatedNamingIt() throws Exception {
        // The tests run as root, who may write anywhere, so use a path that cannot be a directory: one under a file.
        Path file = Files.writeString(tmp.resolve("afile"), "a regular file\n");
        Path data = file.resolve("data");

        TaskqProcess p = taskq.run("produce", "produce", "--count", "1", "--data-dir", data.toString());

        assertRejected(p, "produce", data.toString());
        assertTrue(Files.isRegularFile(file), "the file in the way is still a file");
        assertEquals("a regular file\n", Files.readString(file), "the file in the way is unchanged");
    }

    @Test
    @Timeout(120)
    void shouldRefuseDataFilesOfAnotherSchemaVersionNamingBothVersions() throws Exception {
        Path data = dataDirWithTenTasks();
        Path ledger = data.resolve("ledger");
        // The ledger's header: magic at 0, schema version (int, native byte order) at 8.
        try (FileChannel ch = FileChannel.open(ledger, StandardOpenOption.WRITE)) {
            ByteBuffer version = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 99);
            assertEquals(4, ch.write(version, 8));
        }
        DataDirSnapshot before = DataDirSnapshot.of(data);

        for (String[] args : List.of(
                new String[]{"produce", "--count", "1", "--data-dir", data.toString()},
                new String[]{"consume", "--index", "0", "--data-dir", data.toString()},
                new String[]{"status", "--data-dir", data.toString()})) {
            TaskqProcess p = taskq.run(args[0], args);
            assertRejected(p, args[0], ledger.toString(), "schema version 99", "schema version " + Schema.VERSION);
            assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged after " + args[0]);
        }
    }

    @Test
    @Timeout(120)
    void shouldStopAtAMalformedCsvLineNamingItAndKeepTheTasksBeforeIt() throws Exception {
        Path data = tmp.resolve("fresh");
        Path csv = Files.writeString(tmp.resolve("tasks.csv"), "1,1.0\n2,2.0\n3,3.0\nabc,1.0\n5,5.0\n");

        TaskqProcess p = taskq.run("produce", "produce", "--input", csv.toString(), "--data-dir", data.toString());

        assertRejected(p, "produce", "input " + csv + " line 4", "'abc,1.0'", "3 tasks");
        JsonNode status = taskq.status(data);
        assertEquals(3, status.get("submitted").asLong(), () -> "the 3 good lines before it stay submitted: " + status);
        assertFalse(status.get("sealed").asBoolean(), () -> "the stream is not sealed: " + status);
    }

    @Test
    @Timeout(150)
    void shouldStopAtABadLinesOrJsonlLineNamingItAndKeepTheTasksBeforeIt() throws Exception {
        Path data = tmp.resolve("fresh");
        Path text = Files.write(tmp.resolve("bodies.txt"), new byte[]{'o', 'n', 'e', '\n', 't', 'w', 'o', '\r', '\n',
                'b', 'a', 'd', (byte) 0xff, '\n', 'f', 'o', 'u', 'r', '\n'});
        Path json = Files.writeString(tmp.resolve("events.jsonl"), "{\"id\": 1}\n\n{\"id\": 2} {\"id\": 3}\n");

        TaskqProcess lines = taskq.run("produce-lines", "produce", "--input", text.toString(), "--format", "lines",
                "--seal", "--data-dir", data.toString());
        assertRejected(lines, "produce", "input " + text + " line 3: not valid UTF-8 at byte 4 of the line (0xff)",
                "2 tasks (seq 0..1) before it stay submitted", "the stream was not sealed");

        TaskqProcess jsonl = taskq.run("produce-jsonl", "produce", "--input", json.toString(), "--format", "jsonl",
                "--seal", "--data-dir", data.toString());
        assertRejected(jsonl, "produce", "input " + json + " line 3 '{\"id\": 2} {\"id\": 3}': more than one JSON "
                + "value on the line", "1 task (seq 2..2) before it stay submitted", "the stream was not sealed");

        // A line longer than queue.max-body-bytes is refused the same way: ProduceInputTest, in one JVM.
        JsonNode status = taskq.status(data);
        assertEquals(3, status.get("submitted").asLong(),
                () -> "the good lines before each bad one stay submitted: " + status);
        assertFalse(status.get("sealed").asBoolean(), () -> "the stream is not sealed: " + status);
    }

    @Test
    @Timeout(120)
    void shouldRejectAnUnknownOptionNamingIt() throws Exception {
        Path data = dataDirWithTenTasks();
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("produce", "produce", "--cuont", "5", "--data-dir", data.toString());

        assertRejected(p, "produce", "--cuont");
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }

    /** A data directory that a real producer filled with 10 tasks (stream open). */
    private Path dataDirWithTenTasks() throws IOException, InterruptedException {
        Path data = tmp.resolve("data");
        taskq.runOk("setup-produce", "produce", "--count", "10", "--data-dir", data.toString());
        return data;
    }
}
