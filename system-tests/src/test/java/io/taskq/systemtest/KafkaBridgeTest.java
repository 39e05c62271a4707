package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.Await;
import io.taskq.common.store.Progress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hosts sharing work through a real Kafka broker, every host a set of real processes ({@code taskq bridge} and
 * {@code taskq consume}) with a data directory of its own: the results topic holds exactly one outcome per task
 * record, with the right values, when a host is killed with SIGKILL in the middle of a job and when partitions move
 * to a host that joins; and every Kafka command stops with one clear line when the broker cannot be reached.
 * <p>
 * Tasks are {@code taskq kafka produce --count}: record {@code <job>-i} has value {@code i mod 1000} and payload
 * {@code i * 0.5}, and the example handler answers {@code value + 1} and {@code payload * 2 = i}.
 */
@Tag(KafkaBroker.TAG)
class KafkaBridgeTest extends ProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(300);

    @Test
    @Timeout(600)
    void shouldPublishExactlyOneOutcomePerRecordWhenAHostIsKilledMidRun() throws Exception {
        int records = 200_000;
        KafkaBroker broker = KafkaBroker.start(taskq, tmp.resolve("broker"));
        Map<String, String> env = config(broker);
        Host h1 = startHost("h1", 2, env);
        Host h2 = startHost("h2", 2, env);
        awaitOwnsPartitions(h1, h2);

        produce(env, "job", records);
        try (ProgressProbe probe = ProgressProbe.open(h1.data, Duration.ofSeconds(30))) {
            Progress at = probe.await(Duration.ofSeconds(240), "host h1 to finish 20,000 tasks",
                    p -> p.done() >= 20_000, h1.all());
            assertTrue(at.done() < records, "the kill lands in the middle of the job");
        }
        for (TaskqProcess p : h1.all())
            p.kill();
        for (TaskqProcess p : h1.all())
            assertEquals(137, p.awaitExit(Duration.ofSeconds(30)), p::describe);

        Map<String, JsonNode> outcomes = expectOutcomes(env, records);
        assertOutcomes(outcomes, "job", 0, records);
        Set<String> hosts = hosts(outcomes);
        assertEquals(Set.of("h1", "h2"), hosts, "both hosts published outcomes before the kill");

        stopGracefully(h2.bridge);
        assertExactlyOnceInTheWholeTopic(env, records);
    }

    @Test
    @Timeout(600)
    void shouldPublishExactlyOneOutcomePerRecordWhenPartitionsMoveToAJoiningHost() throws Exception {
        int half = 30_000;
        KafkaBroker broker = KafkaBroker.start(taskq, tmp.resolve("broker"));
        Map<String, String> env = config(broker);
        Host h1 = startHost("h1", 1, env);
        Host h2 = startHost("h2", 1, env);
        awaitOwnsPartitions(h1, h2);

        produce(env, "a", half);
        try (ProgressProbe p1 = ProgressProbe.open(h1.data, Duration.ofSeconds(30));
             ProgressProbe p2 = ProgressProbe.open(h2.data, Duration.ofSeconds(30))) {
            Await.STEADY.until(Duration.ofSeconds(240), () -> p1.read().done() + p2.read().done() >= 10_000);
            assertTrue(p1.read().done() + p2.read().done() >= 10_000, "the hosts are at work when h3 joins");
        }
        Host h3 = startHost("h3", 1, env);
        produce(env, "b", half);

        Map<String, JsonNode> outcomes = expectOutcomes(env, 2 * half);
        assertOutcomes(outcomes, "a", 0, half);
        assertOutcomes(outcomes, "b", 0, half);
        assertTrue(hosts(outcomes).contains("h3"), () -> "partitions moved to h3, which published outcomes: "
                + hosts(outcomes));
        for (Host h : List.of(h1, h2, h3))
            stopGracefully(h.bridge);
        assertExactlyOnceInTheWholeTopic(env, 2 * half);
    }

    @Test
    @Timeout(600)
    void shouldResumeWithoutRepeatingLocalWorkWhenTheBridgeIsKilledAndRestarted() throws Exception {
        int records = 100_000;
        KafkaBroker broker = KafkaBroker.start(taskq, tmp.resolve("broker"));
        // The origin log is compacted every 1,000 tasks or so, so that the restarts read compacted logs.
        Map<String, String> env = new HashMap<>(config(broker));
        env.put("TASKQ_BRIDGE_COMPACT_ORIGINS", "1000");
        Host h1 = startHost("h1", 2, env);
        awaitOwnsPartitions(h1);
        produce(env, "job", records);
        TaskqProcess bridge = h1.bridge;
        for (int kill = 1; kill <= 2; kill++) {
            int threshold = kill * 25_000;
            try (ProgressProbe probe = ProgressProbe.open(h1.data, Duration.ofSeconds(30))) {
                probe.await(Duration.ofSeconds(240), "host h1 to put " + threshold + " tasks",
                        p -> p.submitted() >= threshold, bridge);
            }
            // Killed once it has compacted its origin log (at least half of it forgotten: the consumers may lag), so
            // that the restarted bridge reads a compacted log.
            awaitLog(bridge, false, "origin log compacted");
            // The consumers keep working while the bridge is gone: outcomes pile up in the results log.
            bridge.kill();
            assertEquals(137, bridge.awaitExit(Duration.ofSeconds(30)), bridge::describe);
            bridge = taskq.start("bridge-h1-restarted", env, "bridge", "--data-dir", h1.data.toString(),
                    "--host-id", "h1");
            awaitLog(bridge, true, "bridge ready: host h1");
            TaskqProcess restarted = bridge;
            assertTrue(restarted.stderr().contains("(compacted below seq "),
                    () -> "the restarted bridge read a compacted origin log\n" + restarted.describe());
        }

        Map<String, JsonNode> outcomes = expectOutcomes(env, records);
        assertOutcomes(outcomes, "job", 0, records);
        JsonNode status = taskq.status(h1.data);
        assertEquals(records, status.get("submitted").asLong(),
                () -> "each record put once into the data directory, across two bridge restarts: " + status);
        stopGracefully(bridge);
        assertExactlyOnceInTheWholeTopic(env, records);
        // 100,000 entries would be about 5 MB; compacted, the log holds what was in flight at the last compaction.
        long originLog = Files.size(h1.data.resolve("bridge").resolve("origins"));
        assertTrue(originLog < 500_000, () -> "the origin log was compacted: " + originLog + " bytes");
    }

    @Test
    @Timeout(600)
    void shouldPublishExactlyOneOutcomePerRecordWhenAFrozenHostsPartitionsMoveAndItResumes() throws Exception {
        int records = 60_000;
        KafkaBroker broker = KafkaBroker.start(taskq, tmp.resolve("broker"));
        Map<String, String> env = config(broker);
        Host h1 = startHost("h1", 1, env);
        Host h2 = startHost("h2", 1, env);
        awaitOwnsPartitions(h1, h2);
        produce(env, "job", records);
        try (ProgressProbe probe = ProgressProbe.open(h1.data, Duration.ofSeconds(30))) {
            probe.await(Duration.ofSeconds(240), "host h1 to finish 10,000 tasks", p -> p.done() >= 10_000, h1.all());
        }
        // Frozen, not dead: h1's consumers keep finishing the tasks it put, while its partitions move to h2.
        int ownedBefore = ownsLines(h2);
        signal("-STOP", h1.bridge);
        try {
            boolean moved = Await.STEADY.until(READY_TIMEOUT, () -> ownsLines(h2) > ownedBefore
                    && lastOwns(h2).contains("owns [0, 1, 2, 3, 4, 5]"));
            assertTrue(moved, () -> "h2 took over all partitions while h1 was frozen\n" + h2.bridge.describe());
        } finally {
            signal("-CONT", h1.bridge);
        }

        Map<String, JsonNode> outcomes = expectOutcomes(env, records);
        assertOutcomes(outcomes, "job", 0, records);
        if (h1.bridge.isAlive())
            stopGracefully(h1.bridge);
        else
            assertTrue(h1.bridge.stderr().contains("fenced or refused by Kafka"), () -> "h1 resumed, and either "
                    + "carried on or stopped because Kafka fenced it\n" + h1.bridge.describe());
        stopGracefully(h2.bridge);
        assertExactlyOnceInTheWholeTopic(env, records);
    }

    private static int ownsLines(Host h) {
        return (int) h.bridge.stderr().lines().filter(l -> l.contains(": owns [")).count();
    }

    private static String lastOwns(Host h) {
        List<String> owns = h.bridge.stderr().lines().filter(l -> l.contains(": owns [")).toList();
        return owns.isEmpty() ? "" : owns.get(owns.size() - 1);
    }

    private static void signal(String signal, TaskqProcess p) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill " + signal + " " + p.pid());
    }

    @Test
    @Timeout(300)
    void shouldStopEveryKafkaCommandWithOneLineWhenTheBrokerIsUnreachable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String nowhere = "127.0.0.1:" + closed;
        Map<String, String> env = Map.of("TASKQ_KAFKA_TIMEOUT", "2s");
        List<List<String>> commands = List.of(
                List.of("kafka", "produce", "--count", "10"),
                List.of("kafka", "results", "--expect", "10"),
                List.of("bridge", "--data-dir", tmp.resolve("host").toString()));
        for (List<String> command : commands) {
            String name = command.get(0).equals("kafka") ? "kafka " + command.get(1) : command.get(0);
            String[] args = new String[command.size() + 2];
            command.toArray(args);
            args[command.size()] = "--bootstrap";
            args[command.size() + 1] = nowhere;
            long start = System.nanoTime();
            TaskqProcess p = taskq.run(name.replace(' ', '-'), env, args);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(1, p.exitCode(), p::describe);
            assertTrue(took.compareTo(Duration.ofSeconds(45)) < 0, () -> name + " gave up in " + took);
            List<String> errors = p.stderr().lines().filter(l -> !LOG_LINE.matcher(l).matches()).toList();
            assertEquals(1, errors.size(), () -> "one error line besides log lines\n" + p.describe());
            assertTrue(errors.get(0).startsWith("taskq " + name + ": cannot reach the Kafka brokers at " + nowhere),
                    () -> errors.get(0));
            assertFalse(p.stderr().contains("Exception"), () -> "no stack trace\n" + p.describe());
        }
    }

    /**
     * SIGTERM, and the bridge commits what is finished, leaves the group and says so; the JVM of a process stopped by
     * a signal exits 143 (as a consumer does), or 0 if it was already on its way out.
     */
    private static void stopGracefully(TaskqProcess bridge) throws InterruptedException {
        bridge.terminate();
        int code = bridge.awaitExit(Duration.ofSeconds(60));
        assertTrue(code == 0 || code == 143, () -> "a bridge stopped by SIGTERM exits 0 or 143\n" + bridge.describe());
        assertTrue(bridge.stdout().contains("outcomes; stopped"), bridge::describe);
    }

    /** One host: its data directory, its consumers and its bridge. */
    private record Host(String id, Path data, List<TaskqProcess> consumers, TaskqProcess bridge) {
        TaskqProcess[] all() {
            TaskqProcess[] all = consumers.toArray(new TaskqProcess[consumers.size() + 1]);
            all[consumers.size()] = bridge;
            return all;
        }
    }

    /** A configuration file for the broker, with timings that let a test see a dead host replaced in seconds. */
    private Map<String, String> config(KafkaBroker broker) throws IOException {
        Path file = tmp.resolve("taskq.yaml");
        Files.writeString(file, String.join("\n",
                "kafka:",
                "  bootstrap: " + broker.bootstrap(),
                "  tasks-topic: tasks",
                "  results-topic: results",
                "  partitions: 6",
                "  timeout: 30s",
                "  client:",
                "    session.timeout.ms: 6000",
                "    heartbeat.interval.ms: 1000",
                "bridge:",
                "  transaction-timeout: 5s",
                "consumer:",
                "  heartbeat: 100ms",
                "  lease: 1s",
                ""));
        return Map.of("TASKQ_CONFIG", file.toString());
    }

    private Host startHost(String id, int consumers, Map<String, String> env) throws Exception {
        Path data = tmp.resolve(id);
        List<TaskqProcess> started = startConsumers(data, consumers, env);
        TaskqProcess bridge = taskq.start("bridge-" + id, env, "bridge", "--data-dir", data.toString(), "--host-id",
                id);
        awaitLog(bridge, true, "bridge ready: host " + id);
        return new Host(id, data, started, bridge);
    }

    /** Waits until each host's bridge has been given partitions once. */
    private static void awaitOwnsPartitions(Host... hosts) throws Exception {
        for (Host h : hosts)
            awaitLog(h.bridge, false, "bridge host " + h.id + ": owns ");
    }

    private static void awaitLog(TaskqProcess p, boolean stdout, String text) throws Exception {
        boolean seen = Await.STEADY.until(READY_TIMEOUT, () -> {
            if (!p.isAlive())
                throw new AssertionError(p.name() + " exited while waiting for '" + text + "'\n" + p.describe());
            return (stdout ? p.stdout() : p.stderr()).contains(text);
        });
        assertTrue(seen, () -> p.name() + " printed '" + text + "' within " + READY_TIMEOUT + "\n" + p.describe());
    }

    private void produce(Map<String, String> env, String job, int count) throws Exception {
        TaskqProcess p = taskq.run("kafka-produce-" + job, env, "kafka", "produce", "--count",
                String.valueOf(count), "--job", job);
        assertEquals(0, p.exitCode(), p::describe);
    }

    /** {@code taskq kafka results --expect N --json}: the outcomes by key, each key once. */
    private Map<String, JsonNode> expectOutcomes(Map<String, String> env, int expected) throws Exception {
        TaskqProcess p = taskq.start("kafka-results", env, "kafka", "results", "--expect", String.valueOf(expected),
                "--json", "--timeout", RESULTS_TIMEOUT.toSeconds() + "s");
        assertEquals(0, p.awaitExit(RESULTS_TIMEOUT.plusSeconds(60)), p::describe);
        Map<String, JsonNode> byKey = new HashMap<>();
        for (String line : p.stdout().lines().toList()) {
            JsonNode o = JSON.readTree(line);
            JsonNode before = byKey.put(o.get("key").asText(), o);
            assertEquals(null, before, () -> "one outcome for key " + o.get("key").asText() + ": " + line);
        }
        assertEquals(expected, byKey.size(), "one outcome per task record");
        return byKey;
    }

    /** Every key {@code job-i} for i in [from, to) has the example handler's answer for that task. */
    private static void assertOutcomes(Map<String, JsonNode> outcomes, String job, int from, int to) {
        for (int i = from; i < to; i++) {
            JsonNode o = outcomes.get(job + "-" + i);
            assertTrue(o != null, job + "-" + i + " has an outcome");
            assertEquals("ok", o.get("status").asText(), o::toString);
            assertEquals(i % 1000 + 1, o.get("value").asLong(), o::toString);
            assertEquals(i, o.get("payload").asDouble(), o::toString);
            assertEquals("tasks", o.get("topic").asText(), o::toString);
        }
    }

    private static Set<String> hosts(Map<String, JsonNode> outcomes) {
        Set<String> hosts = new HashSet<>();
        outcomes.values().forEach(o -> hosts.add(o.get("host").asText()));
        return hosts;
    }

    /** Once every bridge is gone: the whole topic holds exactly {@code expected} outcomes, no key twice. */
    private void assertExactlyOnceInTheWholeTopic(Map<String, String> env, int expected) throws Exception {
        TaskqProcess all = taskq.run("kafka-results-all", env, "kafka", "results", "--json");
        assertEquals(0, all.exitCode(), all::describe);
        assertEquals(expected, all.stdout().lines().count(), "records in the results topic");
        String summary = String.format(Locale.ROOT, "%,d outcomes for %,d distinct keys, 0 duplicates", expected,
                expected);
        assertTrue(all.stderr().contains(summary), all::describe);
    }
}
