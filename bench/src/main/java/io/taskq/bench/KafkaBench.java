package io.taskq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.cli.JvmLauncher;
import io.taskq.common.Await;
import io.taskq.common.config.Keys;
import io.taskq.common.store.Progress;
import io.taskq.kafka.OutcomeMessage;
import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.RollCycles;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench kafka}: N task records through Kafka, one host's bridge and consumers, and the results topic, against
 * {@link KafkaLoop}, a plain Kafka consume-transform-produce loop with transactions, on one development broker that
 * it starts ({@code taskq kafka broker}, loopback, a free port, its own data folder) and stops by its handle. Each run
 * gets topics and a group of its own, with {@link #PARTITIONS} partitions each, and its N records are sent before the
 * clock starts ({@code taskq kafka produce --count N}: value {@code i % 1000}, payload {@code i * 0.5}).
 * <ul>
 *   <li>TaskQ: {@link #CONSUMERS} {@code taskq consume} processes (their slots taken first), then {@code taskq bridge}.
 *   The clock starts at the first task put on the host (the earliest {@code handledAtMillis - latencyNanos} among the
 *   outcomes: the bridge's first poll that returned records) and stops when the harness's read_committed reader has
 *   seen N distinct outcomes.</li>
 *   <li>kafka-loop: {@link KafkaLoop} as one JVM. The clock starts right after its first poll that returned records
 *   (it writes that time) and stops the same way.</li>
 * </ul>
 * Both clocks are the wall clock of one machine, in milliseconds. A run verifies every outcome after its clock stops:
 * N distinct keys {@code bench-0..bench-N-1}, none twice (the reader goes on until a poll finds nothing new), each
 * {@code ok} with the workload handler's {@code value + 1} and {@code payload * 2}; one that does not verify throws
 * {@link BenchFailure}. Not thread-safe.
 */
final class KafkaBench implements AutoCloseable {
    /** Partitions of every tasks and results topic of the runs. */
    static final int PARTITIONS = 4;
    /** {@code taskq consume} processes on the TaskQ path's host. */
    static final int CONSUMERS = 2;
    private static final String JOB = "bench";
    private static final Pattern BROKER_READY = Pattern.compile("kafka broker ready: bootstrap (\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /** How long the reader waits for one more outcome after the N-th, to see a duplicate that comes late. */
    private static final Duration DUPLICATE_WATCH = Duration.ofMillis(1_000);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final RollCycles rollCycle;
    private final Children broker;
    private final String bootstrap;

    private KafkaBench(Path work, RollCycles rollCycle, Children broker, String bootstrap) {
        this.work = work;
        this.rollCycle = rollCycle;
        this.broker = broker;
        this.bootstrap = bootstrap;
    }

    /** Starts the development broker in {@code work/kafka-broker} and waits until clients can connect. */
    static KafkaBench start(Path work, RollCycles rollCycle) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("kafka-broker"));
        Children broker = new Children(dir);
        try {
            broker.start("broker", JvmLauncher.command("kafka-broker", List.of(), List.of("kafka", "broker",
                    "--data-dir", dir.resolve("data").toString(), "--port", "0", "--heap", "512m")));
            Path log = broker.log("broker");
            String[] address = new String[1];
            Await.backoff(Duration.ofMillis(50), Duration.ofMillis(500)).until(START_TIMEOUT, () -> {
                Matcher m = BROKER_READY.matcher(read(log));
                if (m.find())
                    address[0] = m.group(1);
                return address[0] != null || broker.anyExited();
            });
            if (address[0] == null)
                throw new BenchFailure("the development Kafka broker did not start; see " + log);
            return new KafkaBench(work, rollCycle, broker, address[0]);
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port} of the broker. */
    String bootstrap() {
        return bootstrap;
    }

    /** One run of the TaskQ path in run folder {@code name}. */
    Workloads.Throughput taskq(String name, long count) throws IOException, InterruptedException {
        Path run = fresh(name);
        Path data = run.resolve("data");
        Topics topics = preload(run, name, count);
        try (Children children = new Children(run); Outcomes outcomes = new Outcomes(topics.results())) {
            for (int k = 0; k < CONSUMERS; k++)
                children.start("consumer-" + k, JvmLauncher.command("consumer-" + k, List.of(), List.of("consume",
                        "--index", String.valueOf(k), "--data-dir", data.toString())));
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            if (!Progress.awaitUsedSlots(data, rollCycle, CONSUMERS, deadline, () -> {
                children.checkNoneFailed();
                return !children.anyExited();
            }))
                throw new BenchFailure(name + ": the consumers did not start; see the logs in " + run);
            children.start("bridge", JvmLauncher.command("bridge", List.of(), List.of("bridge", "--data-dir",
                    data.toString(), "--host-id", name, "--bootstrap", bootstrap)), topics.environment());
            long endMillis = outcomes.await(name, count, allowance(count), children);
            long startMillis = Long.MAX_VALUE;
            for (byte[] value : outcomes.byKey().values()) {
                OutcomeMessage m = OutcomeMessage.parse(value);
                startMillis = Math.min(startMillis, m.handledAtMillis() - m.latencyNanos() / 1_000_000);
                long i = index(name, m.key());
                if (!"ok".equals(m.status()) || m.value() != Workload.value(i) + 1
                        || m.payload() != Workload.payload(i) * 2)
                    throw new BenchFailure(name + " did not verify: a wrong outcome for " + m.key() + ": "
                            + m.toJsonLine());
            }
            Workloads.deleteData(data);
            return new Workloads.Throughput(count, (endMillis - startMillis) * 1_000_000);
        }
    }

    /** One run of the kafka-loop baseline in run folder {@code name}. */
    Workloads.Throughput kafkaLoop(String name, long count) throws IOException, InterruptedException {
        Path run = fresh(name);
        Topics topics = preload(run, name, count);
        Path result = run.resolve("kafka-loop.result");
        try (Children children = new Children(run); Outcomes outcomes = new Outcomes(topics.results())) {
            Process loop = children.start("kafka-loop", JvmLauncher.command("kafka-loop", List.of(),
                    KafkaLoop.class.getName(), List.of("--bootstrap", bootstrap, "--tasks-topic", topics.tasks(),
                            "--results-topic", topics.results(), "--group", topics.group(), "--count",
                            String.valueOf(count), "--result", result.toString())));
            long endMillis = outcomes.await(name, count, allowance(count), children);
            if (!loop.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || loop.exitValue() != 0)
                throw new BenchFailure(name + ": kafka-loop did not exit 0; see " + children.log("kafka-loop"));
            long startMillis = RunFile.longValue(RunFile.read(result), "firstRecordMillis", result);
            for (Map.Entry<String, byte[]> e : outcomes.byKey().entrySet()) {
                JsonNode o = JSON.readTree(e.getValue());
                long i = index(name, e.getKey());
                if (!"ok".equals(o.path("status").asText()) || o.path("value").asLong() != Workload.value(i) + 1
                        || o.path("payload").asDouble() != Workload.payload(i) * 2)
                    throw new BenchFailure(name + " did not verify: a wrong outcome for " + e.getKey() + ": "
                            + new String(e.getValue(), StandardCharsets.UTF_8));
            }
            return new Workloads.Throughput(count, (endMillis - startMillis) * 1_000_000);
        }
    }

    private static long index(String name, String key) {
        try {
            if (key.startsWith(JOB + "-"))
                return Long.parseLong(key.substring(JOB.length() + 1));
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new BenchFailure(name + " did not verify: an outcome for a key not sent: " + key);
    }

    /** The topics and group of run {@code name}. */
    private record Topics(String tasks, String results, String group) {
        /** For a TaskQ process: these topics and group, and {@link #PARTITIONS} for a topic it creates. */
        Map<String, String> environment() {
            return Map.of(Keys.KAFKA_TASKS_TOPIC.envName(), tasks, Keys.KAFKA_RESULTS_TOPIC.envName(), results,
                    Keys.KAFKA_GROUP.envName(), group, Keys.KAFKA_PARTITIONS.envName(), String.valueOf(PARTITIONS));
        }
    }

    /** Creates run {@code name}'s topics and sends its {@code count} task records (untimed). */
    private Topics preload(Path run, String name, long count) throws IOException, InterruptedException {
        Topics topics = new Topics(name + "-tasks", name + "-results", name);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topics.tasks(), PARTITIONS, (short) 1),
                    new NewTopic(topics.results(), PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BenchFailure(name + ": cannot create the topics " + topics + " (" + e + ")");
        }
        try (Children children = new Children(run)) {
            Process produce = children.start("kafka-produce", JvmLauncher.command("kafka-produce", List.of(),
                    List.of("kafka", "produce", "--count", String.valueOf(count), "--job", JOB, "--bootstrap",
                            bootstrap)), topics.environment());
            if (!produce.waitFor(allowance(count).toSeconds(), TimeUnit.SECONDS) || produce.exitValue() != 0)
                throw new BenchFailure(name + ": sending the task records failed; see "
                        + children.log("kafka-produce"));
        }
        return topics;
    }

    private static Duration allowance(long count) {
        return START_TIMEOUT.plusSeconds(count / 2_000);
    }

    private Path fresh(String name) throws IOException {
        Path run = work.resolve(name);
        Workloads.deleteData(run);
        return Files.createDirectories(run);
    }

    /** Stops the broker by its handle. */
    @Override
    public void close() throws InterruptedException {
        broker.close();
    }

    /**
     * The harness's read_committed reader of one results topic, from its beginning. While the clock runs it only keeps
     * each record's key and value; parsing comes after.
     */
    private final class Outcomes implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, byte[]> byKey = new HashMap<>();

        Outcomes(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++)
                partitions.add(new TopicPartition(topic, i));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /**
         * Reads until {@code count} distinct keys have an outcome, then on until a poll of {@link #DUPLICATE_WATCH}
         * finds nothing; returns the wall clock when the {@code count}-th key came.
         *
         * @throws BenchFailure on a duplicate, a process of {@code children} failing, or the {@code allowance} passing
         */
        long await(String name, long count, Duration allowance, Children children) {
            long deadline = System.nanoTime() + allowance.toNanos();
            long endMillis = 0;
            while (byKey.size() < count) {
                if (System.nanoTime() - deadline > 0)
                    throw new BenchFailure(name + ": " + byKey.size() + " of " + count + " outcomes within "
                            + allowance.toSeconds() + " s; see the logs in " + work.resolve(name));
                children.checkNoneFailed();
                take(name, consumer.poll(Duration.ofMillis(50)));
                endMillis = System.currentTimeMillis();
            }
            while (take(name, consumer.poll(DUPLICATE_WATCH)) > 0)
                children.checkNoneFailed();
            return endMillis;
        }

        private int take(String name, Iterable<ConsumerRecord<byte[], byte[]>> records) {
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (byKey.put(key, r.value()) != null)
                    throw new BenchFailure(name + " did not verify: a second outcome for " + key);
                n++;
            }
            return n;
        }

        Map<String, byte[]> byKey() {
            return byKey;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
