package io.taskq.kafka;

import io.taskq.common.TaskQException;
import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How the Kafka commands and the bridge reach Kafka: {@code kafka.*} keys plus the free-form {@code kafka.client.*}
 * properties of the configuration file. Immutable; built by {@link #from(TaskQConfig)}, which checks every client
 * property's name against Kafka's own producer, consumer and admin configuration lists, and refuses those TaskQ sets
 * itself, with one line naming the key.
 */
public final class KafkaSettings {
    /** The keys behind these settings, for the start-up line. */
    public static final List<ConfigKey<?>> KEYS = List.of(Keys.KAFKA_BOOTSTRAP, Keys.KAFKA_TASKS_TOPIC,
            Keys.KAFKA_RESULTS_TOPIC, Keys.KAFKA_GROUP, Keys.KAFKA_PARTITIONS, Keys.KAFKA_REPLICATION,
            Keys.KAFKA_TIMEOUT);

    /** Client properties TaskQ sets itself, and the key to use instead (or why). */
    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "use " + Keys.KAFKA_BOOTSTRAP.name()),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "use " + Keys.KAFKA_GROUP.name()),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "use " + Keys.BRIDGE_HOST_ID.name()),
            Map.entry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "use " + Keys.BRIDGE_TRANSACTION_TIMEOUT.name()),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "TaskQ reads with read_committed"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "the bridge commits offsets in its transactions"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "transactions need idempotence"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "TaskQ sends bytes"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "TaskQ sends bytes"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "TaskQ reads bytes"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "TaskQ reads bytes"));

    private final String bootstrap;
    private final String tasksTopic;
    private final String resultsTopic;
    private final String group;
    private final int partitions;
    private final short replication;
    private final Duration timeout;
    private final Map<String, String> client;

    private KafkaSettings(TaskQConfig config) {
        this.bootstrap = config.get(Keys.KAFKA_BOOTSTRAP);
        this.tasksTopic = config.get(Keys.KAFKA_TASKS_TOPIC);
        this.resultsTopic = config.get(Keys.KAFKA_RESULTS_TOPIC);
        this.group = config.get(Keys.KAFKA_GROUP);
        this.partitions = config.get(Keys.KAFKA_PARTITIONS);
        this.replication = (short) (int) config.get(Keys.KAFKA_REPLICATION);
        this.timeout = config.get(Keys.KAFKA_TIMEOUT);
        this.client = config.kafkaClientProperties();
    }

    /**
     * The settings of a loaded configuration.
     *
     * @throws TaskQException (exit code 2) naming a {@code kafka.client.*} property that Kafka does not know or that
     *                        TaskQ sets itself
     */
    public static KafkaSettings from(TaskQConfig config) {
        for (String name : config.kafkaClientProperties().keySet()) {
            String where = Keys.KAFKA_CLIENT_PREFIX + name + " in " + config.kafkaClientSource();
            if (RESERVED.containsKey(name))
                throw TaskQException.usage(where + ": TaskQ sets " + name + " itself (" + RESERVED.get(name) + ")");
            if (!AdminClientConfig.configNames().contains(name) && !ProducerConfig.configNames().contains(name)
                    && !ConsumerConfig.configNames().contains(name))
                throw TaskQException.usage(where + ": not a Kafka client property (see Kafka's producer, consumer "
                        + "and admin configurations)");
        }
        return new KafkaSettings(config);
    }

    /** {@code kafka.bootstrap}. */
    public String bootstrap() {
        return bootstrap;
    }

    /** {@code kafka.tasks-topic}. */
    public String tasksTopic() {
        return tasksTopic;
    }

    /** {@code kafka.results-topic}. */
    public String resultsTopic() {
        return resultsTopic;
    }

    /** {@code kafka.group}. */
    public String group() {
        return group;
    }

    /** {@code kafka.partitions}: of a topic TaskQ creates. */
    public int partitions() {
        return partitions;
    }

    /** {@code kafka.replication-factor}: of a topic TaskQ creates. */
    public short replication() {
        return replication;
    }

    /** {@code kafka.timeout}: how long to wait for the brokers. */
    public Duration timeout() {
        return timeout;
    }

    /** Properties of an admin client. */
    public Properties admin() {
        Properties p = base(AdminClientConfig.configNames());
        int ms = millis(timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 30_000));
        return p;
    }

    /** Properties of a plain (idempotent, not transactional) producer of bytes, as {@code taskq kafka produce} uses. */
    public Properties producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putAll(base(ProducerConfig.configNames()));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(timeout));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Properties of the bridge's transactional producer. */
    public Properties transactionalProducer(String transactionalId, Duration transactionTimeout) {
        Properties p = producer();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, millis(transactionTimeout));
        return p;
    }

    /**
     * Properties of a consumer of bytes that reads only committed records and commits nothing by itself; in
     * {@code group} unless it is null (then partitions are assigned by hand).
     */
    public Properties consumer(String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(base(ConsumerConfig.configNames()));
        if (groupId != null)
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis(timeout));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Bootstrap servers and the {@code kafka.client.*} properties that a client with {@code known} names takes. */
    private Properties base(Set<String> known) {
        Properties p = new Properties();
        client.forEach((name, value) -> {
            if (known.contains(name))
                p.put(name, value);
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public String toString() {
        return Keys.KAFKA_BOOTSTRAP.name() + "=" + bootstrap + ", " + Keys.KAFKA_TASKS_TOPIC.name() + "=" + tasksTopic
                + ", " + Keys.KAFKA_RESULTS_TOPIC.name() + "=" + resultsTopic + ", " + Keys.KAFKA_GROUP.name() + "="
                + group + ", " + Keys.KAFKA_TIMEOUT.name() + "=" + Keys.format(timeout)
                + (client.isEmpty() ? "" : ", " + Keys.KAFKA_CLIENT_PREFIX + "*=" + client.keySet());
    }
}
