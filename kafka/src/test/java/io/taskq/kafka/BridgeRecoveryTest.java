package io.taskq.kafka;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a bridge that starts reads its origin log against the data directory, without a broker ({@link Bridge#open}
 * does not connect): a compacted log accounts for the tasks below its base, and a task above it without an origin is
 * refused as put by someone else.
 */
class BridgeRecoveryTest {
    private static final int TASKS = 10;

    @TempDir
    Path dir;

    private BridgeSettings settings() throws IOException {
        Path yaml = Files.writeString(dir.resolve("taskq.yaml"), "data-dir: " + dir.resolve("data") + "\n");
        return BridgeSettings.from(TaskQConfig.load(yaml, Map.of(), Map.of()));
    }

    /** A data directory holding {@link #TASKS} tasks, as a bridge would have put them, and its origin log. */
    private Path dataDirectoryWithTasks() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir.resolve("data")).build())) {
            for (int i = 0; i < TASKS; i++)
                producer.put(i, i);
        }
        return dir.resolve("data").resolve(Bridge.DIR).resolve("origins");
    }

    private static Origin origin(long seq) {
        return new Origin(seq, "taskq-tasks", 0, 100 + seq, ("job-" + seq).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldStartFromACompactedLogThatKeepsOnlyTheOriginsAboveWhatWasCommitted() throws IOException {
        Path originsFile = dataDirectoryWithTasks();
        try (OriginLog log = OriginLog.open(originsFile)) {
            for (long seq = 0; seq < 8; seq++)
                log.append(List.of(origin(seq)));
            log.compact(8, List.of(origin(6), origin(7)));
            log.append(List.of(origin(8), origin(9)));
        }
        try (Bridge bridge = Bridge.open(settings())) {
            assertEquals(0, bridge.putCount());
        }
    }

    @Test
    void shouldRefuseATaskAboveTheBaseWithoutAnOrigin() throws IOException {
        Path originsFile = dataDirectoryWithTasks();
        try (OriginLog log = OriginLog.open(originsFile)) {
            log.compact(8, List.of());
            log.append(List.of(origin(9)));
        }
        TaskQException e = assertThrows(TaskQException.class, () -> Bridge.open(settings()));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("holds 1 of its " + TASKS + " tasks that no bridge put"), e.getMessage());
    }

    @Test
    void shouldRefuseALogWhoseBaseIsAboveWhatTheDataDirectoryHolds() throws IOException {
        Path originsFile = dataDirectoryWithTasks();
        try (OriginLog log = OriginLog.open(originsFile)) {
            log.compact(TASKS + 5, List.of());
        }
        TaskQException e = assertThrows(TaskQException.class, () -> Bridge.open(settings()));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("accounts for " + (TASKS + 5) + " tasks, but the data directory holds "
                + TASKS), e.getMessage());
    }
}
