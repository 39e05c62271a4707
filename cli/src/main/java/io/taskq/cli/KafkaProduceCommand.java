package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.kafka.Bridge;
import io.taskq.kafka.KafkaAdmin;
import io.taskq.kafka.KafkaSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code taskq kafka produce [--topic T] (--count N | --input FILE|- [--format csv|lines|jsonl]) [--job ID]
 * [--bootstrap HOST:PORT]}: puts task records into a Kafka topic, one per task, with the same inputs as
 * {@code taskq produce}. A record's key is {@code <job>-<index>} (index from 0 in input order), its value the task's
 * body; a task with a value and payload (CSV, {@code --count}) carries them in the headers
 * {@value Bridge#VALUE_HEADER} and {@value Bridge#PAYLOAD_HEADER}, which the bridge puts with the task. Creates the
 * topic if it is missing. Prints one summary line.
 */
@Command(name = "produce", sortOptions = false,
        description = "put task records into a Kafka topic (synthetic, or one per line of CSV, text or JSON)")
final class KafkaProduceCommand implements Callable<Integer> {
    @ConfigOverride("kafka.tasks-topic")
    @Option(names = "--topic", paramLabel = "T", description = "the tasks topic (config kafka.tasks-topic, default "
            + "${DEFAULT-VALUE})")
    private String topic;
    @Option(names = "--count", paramLabel = "N", converter = OptionValues.TaskCount.class,
            description = "N synthetic tasks, as taskq produce --count: value = i mod 1000, payload = i * 0.5, no body")
    private Long count;
    @Option(names = "--input", paramLabel = "FILE|-", description = "one task per line of FILE, in the --format; - "
            + "reads stdin")
    private String input;
    @Option(names = "--format", paramLabel = "csv|lines|jsonl", converter = OptionValues.Format.class,
            description = "with --input: as taskq produce --format (default csv)")
    private InputFormat format;
    @Option(names = "--job", paramLabel = "ID", description = "the job id in the records' keys (default: a new "
            + "random id)")
    private String job;
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
    public Integer call() throws IOException {
        if ((count != null) == (input != null))
            throw TaskQException.usage("give exactly one of --count N or --input FILE|-");
        if (format != null && input == null)
            throw TaskQException.usage("--format goes with --input FILE|-, not with --count");
        if (job != null && !job.matches("[A-Za-z0-9._-]{1,100}"))
            throw TaskQException.usage("--job " + job + ": must be 1..100 letters, digits, '.', '_' or '-'");
        String jobId = job != null ? job : "job-" + UUID.randomUUID().toString().substring(0, 8);
        TaskQConfig config = Launch.config(spec);
        KafkaSettings settings = KafkaSettings.from(config);
        int maxBody = config.get(Keys.MAX_BODY_BYTES);
        try (TaskSource tasks = input != null ? (format != null ? format : InputFormat.CSV).open(input, maxBody)
                : new SyntheticTasks(count)) {
            try (KafkaAdmin admin = KafkaAdmin.connect(settings)) {
                admin.ensureTopic(settings.tasksTopic());
            }
            long start = System.nanoTime();
            long sent = send(settings, tasks, jobId);
            double seconds = (System.nanoTime() - start) / 1e9;
            parent.taskq().out().println("sent " + Terminal.count(sent) + " task records to " + settings.tasksTopic()
                    + " (job " + jobId + ", keys " + jobId + "-0.." + jobId + "-" + Math.max(0, sent - 1) + ") in "
                    + String.format("%.2f s (%s records/s)", seconds, Terminal.rate(sent / Math.max(seconds, 1e-9))));
            return 0;
        }
    }

    /** Sends every task of {@code tasks}; returns how many, all acknowledged by the brokers. */
    private long send(KafkaSettings settings, TaskSource tasks, String jobId) throws IOException {
        AtomicReference<Exception> failed = new AtomicReference<>();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            try {
                while (tasks.next() && failed.get() == null) {
                    ByteBuffer body = tasks.body();
                    byte[] value = new byte[body == null ? 0 : body.remaining()];
                    if (body != null)
                        body.duplicate().get(value);
                    RecordHeaders headers = new RecordHeaders();
                    if (body == null) {
                        headers.add(Bridge.VALUE_HEADER, ByteBuffer.allocate(Integer.BYTES).putInt(tasks.value())
                                .array());
                        headers.add(Bridge.PAYLOAD_HEADER, ByteBuffer.allocate(Double.BYTES)
                                .putDouble(tasks.payload()).array());
                    }
                    byte[] key = (jobId + "-" + sent).getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(settings.tasksTopic(), null, key, value, headers),
                            (metadata, e) -> {
                                if (e != null)
                                    failed.compareAndSet(null, e);
                            });
                    sent++;
                }
            } catch (MalformedLine e) {
                producer.flush();
                throw TaskQException.usage(e.getMessage() + "; the " + Terminal.count(sent)
                        + " task records before it were sent");
            }
            producer.flush();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaAdmin.unreachable(settings, e);
        } catch (KafkaException e) {
            throw new TaskQException(TaskQException.EXIT_FAILED, "sending to " + settings.tasksTopic() + " at "
                    + settings.bootstrap() + " failed after " + sent + " records (" + e + ")", e);
        }
        Exception e = failed.get();
        if (e != null)
            throw new TaskQException(TaskQException.EXIT_FAILED, "sending to " + settings.tasksTopic() + " at "
                    + settings.bootstrap() + " failed (" + e + "); some of the " + sent
                    + " records may have been written; send the job again under a new --job", e);
        return sent;
    }
}
