package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.kafka.KafkaAdmin;
import io.taskq.kafka.KafkaSettings;
import io.taskq.kafka.OutcomeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code taskq kafka results [--results-topic R] [--expect N] [--json] [--timeout D] [--bootstrap HOST:PORT]}: the
 * global view and the global join. Reads the results topic from the beginning with {@code read_committed}, as a plain
 * reader outside any group, and prints each outcome: a line, or with {@code --json} the record's JSON as the bridge
 * wrote it ({@link OutcomeMessage}). Without {@code --expect} it stops at the end of what is committed now; with
 * {@code --expect N} it waits until N distinct keys have an outcome, then reads on to the end of what is committed.
 * Every second outcome for a key is a duplicate: reported on stderr, and the exit code is 1. Exit 3 at the
 * {@code --timeout} before N keys.
 */
@Command(name = "results", sortOptions = false,
        description = "print the outcomes in the results topic; with --expect N, wait for N distinct keys (a global "
                + "join)")
final class KafkaResultsCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @ConfigOverride("kafka.results-topic")
    @Option(names = "--results-topic", paramLabel = "R", description = "the results topic (config "
            + "kafka.results-topic, default ${DEFAULT-VALUE})")
    private String resultsTopic;
    @Option(names = "--expect", paramLabel = "N", converter = OptionValues.TaskCount.class,
            description = "wait until N distinct keys have an outcome")
    private Long expect;
    @Option(names = "--json", description = "print each outcome as its JSON record value, one per line")
    private boolean json;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = OptionValues.TimeSpan.class,
            description = "with --expect: give up after DURATION with exit code 3 (default: wait indefinitely)")
    private Duration timeout;
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private Verbosity verbosity;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private KafkaCommand parent;

    @Override
    public Integer call() {
        if (timeout != null && expect == null)
            throw TaskQException.usage("--timeout goes with --expect N");
        TaskQConfig config = Launch.config(spec);
        KafkaSettings settings = KafkaSettings.from(config);
        String topic = settings.resultsTopic();
        PrintStream out = parent.taskq().out();
        PrintStream report = json ? parent.taskq().err() : out;
        try (KafkaAdmin admin = KafkaAdmin.connect(settings)) {
            admin.ensureTopic(topic);
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Map<String, Integer> seen = new HashMap<>();
        long outcomes = 0;
        long duplicates = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer(null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic))
                partitions.add(new TopicPartition(topic, p.partition()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = expect == null ? consumer.endOffsets(partitions) : null;
            for (; ; ) {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(POLL)) {
                    outcomes++;
                    String key = rec.key() == null ? "" : new String(rec.key(), StandardCharsets.UTF_8);
                    int n = seen.merge(key, 1, Integer::sum);
                    String line = json ? new String(rec.value(), StandardCharsets.UTF_8) : line(rec);
                    out.println(line);
                    if (n > 1) {
                        duplicates++;
                        parent.taskq().err().println("taskq kafka results: duplicate outcome " + n + " for key " + key
                                + " (" + rec.topic() + "/" + rec.partition() + "/" + rec.offset() + ")");
                    }
                }
                if (end == null && seen.size() >= expect)
                    end = consumer.endOffsets(partitions);
                if (end != null && reached(consumer, end))
                    break;
                if (System.nanoTime() - deadline >= 0) {
                    out.flush();
                    report.println(summary(outcomes, seen.size(), duplicates) + "; timed out after "
                            + Keys.format(timeout));
                    return TaskQException.EXIT_TIMEOUT;
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaAdmin.unreachable(settings, e);
        } catch (KafkaException e) {
            throw new TaskQException(TaskQException.EXIT_FAILED, "reading " + topic + " at " + settings.bootstrap()
                    + " failed (" + e + ")", e);
        }
        out.flush();
        report.println(summary(outcomes, seen.size(), duplicates));
        return duplicates == 0 ? 0 : TaskQException.EXIT_FAILED;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet())
            if (consumer.position(e.getKey()) < e.getValue())
                return false;
        return true;
    }

    private String summary(long outcomes, int keys, long duplicates) {
        return Terminal.count(outcomes) + " outcomes for " + Terminal.count(keys) + " distinct keys, "
                + Terminal.count(duplicates) + " duplicates" + (expect == null ? "" : " (expected "
                + Terminal.count(expect) + " keys)");
    }

    /**
     * One outcome on one line: {@code key job-1-17  ok  value 18  payload 8.5  body <text>  (host h1, seq 99,
     * taskq-tasks/2/1234)}; a value that is not an outcome message is shown as such.
     */
    private static String line(ConsumerRecord<byte[], byte[]> rec) {
        OutcomeMessage m;
        try {
            m = OutcomeMessage.parse(rec.value());
        } catch (UncheckedIOException e) {
            return "not an outcome at " + rec.topic() + "/" + rec.partition() + "/" + rec.offset();
        }
        StringBuilder sb = new StringBuilder("key ").append(ResultsCommand.escape(m.key())).append("  ")
                .append(m.status());
        if ("ok".equals(m.status()))
            sb.append("  value ").append(m.value()).append("  payload ").append(m.payload());
        sb.append("ok".equals(m.status()) ? "  body " : "  error ")
                .append("utf-8".equals(m.bodyEncoding()) ? ResultsCommand.escape(m.body()) : "base64:" + m.body());
        return sb.append("  (host ").append(m.host()).append(", seq ").append(m.seq()).append(", ").append(m.topic())
                .append('/').append(m.partition()).append('/').append(m.offset()).append(')').toString();
    }
}
