package io.taskq.bench;

import io.taskq.kafka.Bridge;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code kafka-loop} baseline of {@code bench kafka}: the least code a skilled Kafka user writes for
 * consume-transform-produce with exactly-once results, as one JVM. A consumer in a group (the same group protocol and
 * defaults as the bridge's consumer, {@code read_committed}, no auto-commit) and a transactional producer
 * ({@code acks=all}, {@code linger.ms=5}, as the bridge's). Per poll: begin a transaction, compute each task
 * record's result as the workload handler does ({@code value + 1}, {@code payload * 2} from the record's headers),
 * send it as a short JSON outcome keyed by the record's key, {@code sendOffsetsToTransaction} the poll's next offsets
 * with the group's metadata, commit. No per-record wait, one transaction per poll.
 * <p>
 * {@code KafkaLoop --bootstrap B --tasks-topic T --results-topic R --group G --count N --result F}: runs until it has
 * committed N records, then writes {@code firstRecordMillis} (wall clock right after the first poll that returned
 * records), {@code records} and {@code transactions} to F.
 */
@Command(name = "KafkaLoop", description = "The kafka-loop baseline of bench kafka.")
public final class KafkaLoop implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true)
    private String bootstrap;
    @Option(names = "--tasks-topic", required = true)
    private String tasksTopic;
    @Option(names = "--results-topic", required = true)
    private String resultsTopic;
    @Option(names = "--group", required = true)
    private String group;
    @Option(names = "--count", required = true)
    private long count;
    @Option(names = "--result", required = true)
    private Path result;

    private KafkaLoop() {
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new KafkaLoop(), args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-loop-" + group);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long firstRecordMillis = 0;
        long records = 0;
        long transactions = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            consumer.subscribe(List.of(tasksTopic));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            while (records < count) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                if (polled.isEmpty())
                    continue;
                if (firstRecordMillis == 0)
                    firstRecordMillis = System.currentTimeMillis();
                producer.beginTransaction();
                offsets.clear();
                for (ConsumerRecord<byte[], byte[]> rec : polled) {
                    int value = headerInt(rec) + 1;
                    double payload = headerDouble(rec) * 2;
                    byte[] outcome = ("{\"status\":\"ok\",\"value\":" + value + ",\"payload\":" + payload + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(resultsTopic, rec.key(), outcome));
                    offsets.put(new TopicPartition(rec.topic(), rec.partition()),
                            new OffsetAndMetadata(rec.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
                records += polled.count();
                transactions++;
            }
        }
        RunFile.write(result, Map.of("firstRecordMillis", firstRecordMillis, "records", records,
                "transactions", transactions));
        return 0;
    }

    private static int headerInt(ConsumerRecord<byte[], byte[]> rec) {
        Header h = rec.headers().lastHeader(Bridge.VALUE_HEADER);
        return h == null ? 0 : ByteBuffer.wrap(h.value()).getInt();
    }

    private static double headerDouble(ConsumerRecord<byte[], byte[]> rec) {
        Header h = rec.headers().lastHeader(Bridge.PAYLOAD_HEADER);
        return h == null ? 0 : ByteBuffer.wrap(h.value()).getDouble();
    }
}
