package io.taskq.cli;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.Progress;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskBatch;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.WorkloadCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * {@code taskq produce (--count N | --input FILE|- [--format csv|lines|jsonl]) [--rate R] [--batch N]
 * [--wait-consumers K] [--seal] [--join [--verify]] [--timeout D] [--data-dir DIR]}: optionally waits until K live
 * consumers hold a slot, then submits tasks of the synthetic workload ({@link io.taskq.workload.Workload}) or one task
 * per input line ({@link InputFormat}: {@code value,payload} CSV, or a body per line as text or JSON), in batch puts
 * of {@code --batch} tasks, optionally seals the stream and joins, and with {@code --verify} checks the finished job
 * against the workload's closed form (exit 1 if it does not match). Prints one summary line on stdout; shows a
 * progress bar on a terminal.
 */
@Command(name = "produce", sortOptions = false,
        description = "submit tasks (synthetic, or one per line of CSV, text or JSON), optionally seal the stream and "
                + "join")
final class ProduceCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceCommand.class);
    /** The claim cursor keeps 48 bits of seq; this leaves ample room and catches typos. */
    static final long MAX_COUNT = 1_000_000_000_000L;
    /** A batch goes out once its tasks take this many bytes, whatever its count. */
    static final int BATCH_FLUSH_BYTES = 256 * 1024;
    /** No --timeout: wait as good as forever. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(365);

    @Option(names = "--count", paramLabel = "N", converter = OptionValues.TaskCount.class,
            description = "submit N synthetic tasks: value = i mod 1000, payload = i * 0.5 (0.." + MAX_COUNT + ")")
    private Long count;
    @Option(names = "--input", paramLabel = "FILE|-",
            description = "submit one task per line of FILE, in the --format; - reads stdin")
    private String input;
    @Option(names = "--format", paramLabel = "csv|lines|jsonl", converter = OptionValues.Format.class,
            description = "with --input: csv (the default): \"value,payload\" per line (int, double); lines: each "
                    + "line (UTF-8, without its line ending) is a task body, an empty line too; jsonl: each line is "
                    + "one JSON value and its text a task body (blank lines are skipped). Bodies are at most "
                    + "queue.max-body-bytes long; lines and jsonl tasks have value 0 and payload 0")
    private InputFormat format;
    @ConfigOverride("producer.rate")
    @Option(names = "--rate", paramLabel = "R", description = "tasks per second, 0 = as fast as possible "
            + "(config producer.rate, default ${DEFAULT-VALUE})")
    private String rate;
    @ConfigOverride("producer.batch")
    @Option(names = "--batch", paramLabel = "N", description = "tasks per batch put: each batch goes into the queue as "
            + "one excerpt, all or nothing; 1 puts each task on its own (config producer.batch, default "
            + "${DEFAULT-VALUE}). A batch also goes out as soon as the input has nothing more buffered")
    private String batch;
    @Option(names = "--wait-consumers", paramLabel = "K", converter = OptionValues.ConsumerCount.class,
            defaultValue = "0", description = "before the first put, wait until K live consumers hold a slot, so that "
            + "the work is spread over all of them from the start (default ${DEFAULT-VALUE}: do not wait); gives up "
            + "after --timeout with exit code 3, having put nothing")
    private long waitConsumers;
    @Option(names = "--seal", description = "end the stream after these tasks (consumers with --exit-on-eos then stop)")
    private boolean seal;
    @Option(names = "--join",
            description = "wait until the tasks are done (with --seal: until the whole stream is done)")
    private boolean join;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = OptionValues.TimeSpan.class,
            description = "give up waiting for consumers, or joining, after DURATION (e.g. 30s, 5m) with exit code 3; "
                    + "default: wait indefinitely")
    private Duration timeout = NO_TIMEOUT;
    @Option(names = "--verify", description = "with --count, --seal and --join: once all is done, check that the "
            + "stream holds exactly these N tasks, each done once, and that the totals match the closed form; exit 1 "
            + "if not (the same check as the demo)")
    private boolean verify;
    @Mixin
    private DataDirOption dataDir;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private Verbosity verbosity;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() throws IOException {
        PrintStream out = taskq.out();
        checkOptions();
        TaskQConfig config = Launch.config(spec);
        ProducerSettings settings = ProducerSettings.from(config);
        try (TaskSource tasks = input != null ? format().open(input, settings.maxBodyBytes())
                : new SyntheticTasks(count)) {
            LOG.info("producer pid {}: {}", ProcessHandle.current().pid(), config.describe(ProducerSettings.KEYS));
            try (TaskProducer producer = TaskProducer.open(settings)) {
                checkStream(producer, settings);
                if (!awaitConsumers(producer, out))
                    return TaskQException.EXIT_TIMEOUT;
                long start = System.nanoTime();
                SubmittedRange submitted = submit(producer, tasks, settings.rate(), settings.batch());
                double seconds = (System.nanoTime() - start) / 1e9;
                long sealedAt = seal ? producer.seal() : -1;
                out.println(summary(submitted, seconds, sealedAt));
                if (join) {
                    int joined = join(producer, out);
                    if (joined != 0)
                        return joined;
                }
                return verify ? verify(producer, out) : 0;
            }
        }
    }

    /** What picocli cannot check alone: which options go together. */
    private void checkOptions() {
        if ((count != null) == (input != null))
            throw TaskQException.usage("taskq produce: give exactly one of --count N or --input FILE|-");
        if (format != null && input == null)
            throw TaskQException.usage("taskq produce: --format goes with --input FILE|-, not with --count (synthetic "
                    + "tasks are not read from an input)");
        if (verify && !(count != null && seal && join))
            throw TaskQException.usage("taskq produce: --verify needs --count N, --seal and --join (it checks the "
                    + "finished synthetic workload against its closed form)");
    }

    private InputFormat format() {
        return format != null ? format : InputFormat.CSV;
    }

    /** Refuses a stream that takes no more tasks, and a wait for more consumers than there are slots. */
    private void checkStream(TaskProducer producer, ProducerSettings settings) {
        long sealedAt = producer.data().ledger().sealedCount();
        if (sealedAt >= 0 && (input != null || count != 0))
            throw TaskQException.usage("taskq produce: the stream in " + settings.dataDir() + " is sealed at "
                    + Terminal.count(sealedAt) + " tasks and takes no more; use a fresh --data-dir");
        int slots = producer.data().slots().size();
        if (waitConsumers > slots)
            throw TaskQException.usage("taskq produce: --wait-consumers " + waitConsumers + " is more than the "
                    + slots + " result slots of " + settings.dataDir() + " (slots.max)");
    }

    /** With --wait-consumers K: waits until K consumers hold a slot; false (and says so) at the timeout. */
    private boolean awaitConsumers(TaskProducer producer, PrintStream out) {
        if (waitConsumers == 0 || new ConsumerWait(producer.data(), (int) waitConsumers).await(timeout))
            return true;
        out.println("wait-consumers: timed out after " + Keys.format(timeout) + " with "
                + ConsumerWait.liveConsumers(producer.data()) + " of " + waitConsumers
                + " consumers holding a slot; nothing was submitted");
        return false;
    }

    /** The summary line: what was submitted, how fast, and where the stream is sealed ({@code sealedAt} >= 0). */
    private static String summary(SubmittedRange submitted, double seconds, long sealedAt) {
        StringBuilder summary = new StringBuilder("submitted ").append(submitted)
                .append(String.format(" in %.2f s (%s tasks/s)", seconds,
                        Terminal.rate(submitted.count() / Math.max(seconds, 1e-9))));
        if (sealedAt >= 0)
            summary.append("; stream sealed at ").append(Terminal.count(sealedAt)).append(" tasks");
        return summary.toString();
    }

    /**
     * Puts every task of {@code tasks}, paced to {@code rate} per second (0: as fast as possible), {@code batchSize}
     * tasks per batch put (1: each on its own). A batch goes out when it is full, when it holds
     * {@value #BATCH_FLUSH_BYTES} bytes, when the input may make the next read wait, before the pacer would wait, and
     * at the end; so a slow input or a low rate is never held back for a batch to fill.
     */
    private static SubmittedRange submit(TaskProducer producer, TaskSource tasks, long rate, int batchSize)
            throws IOException {
        Pacer pacer = new Pacer(rate);
        ProgressBar progress = new ProgressBar(tasks.total(), Terminal.interactive(), System.err);
        SubmittedRange submitted = new SubmittedRange();
        TaskBatch batch = batchSize > 1 ? producer.newBatch() : null;
        try {
            while (tasks.next()) {
                if (batch == null) {
                    pacer.await(submitted.count());
                    submitted.add(put(producer, tasks, submitted));
                } else {
                    long next = submitted.count() + batch.size();
                    ByteBuffer body = tasks.body();
                    if (!batch.isEmpty() && (!pacer.due(next) || !batch.hasRoomFor(body == null ? 0
                            : body.remaining())))
                        putAll(producer, batch, submitted);
                    pacer.await(next);
                    if (body == null)
                        batch.add(tasks.value(), tasks.payload());
                    else
                        batch.add(tasks.value(), tasks.payload(), body);
                    if (batch.size() >= batchSize || batch.bytes() >= BATCH_FLUSH_BYTES || tasks.mayBlock())
                        putAll(producer, batch, submitted);
                }
                progress.update(submitted.count());
            }
            if (batch != null)
                putAll(producer, batch, submitted);
        } catch (MalformedLine e) {
            if (batch != null)
                putAll(producer, batch, submitted);
            throw TaskQException.usage("taskq produce: " + e.getMessage() + "; " + submitted
                    + " before it stay submitted; the stream was not sealed");
        } finally {
            progress.finish();
        }
        return submitted;
    }

    /** Puts the source's current task; failures as {@link #guarded}. */
    private static long put(TaskProducer producer, TaskSource task, SubmittedRange submitted) {
        return guarded(() -> {
            ByteBuffer body = task.body();
            return body == null ? producer.put(task.value(), task.payload())
                    : producer.put(task.value(), task.payload(), body);
        }, submitted);
    }

    /** Puts the batch's tasks, if any, and counts them as submitted; failures as {@link #guarded}. */
    private static void putAll(TaskProducer producer, TaskBatch batch, SubmittedRange submitted) {
        int size = batch.size();
        if (size == 0)
            return;
        long first = guarded(() -> producer.putAll(batch), submitted);
        submitted.addAll(first, size);
    }

    /**
     * Runs a put; a stream sealed meanwhile by another process, or a full disk, is a clear one-line error that says
     * what was submitted.
     */
    private static long guarded(LongSupplier put, SubmittedRange submitted) {
        try {
            return put.getAsLong();
        } catch (StreamSealedException sealed) {
            throw TaskQException.usage("taskq produce: " + sealed.getMessage() + " (sealed by another process); "
                    + submitted + " were submitted before that");
        } catch (TaskQException e) {
            if (e.exitCode() != TaskQException.EXIT_NO_SPACE)
                throw e;
            throw new TaskQException(TaskQException.EXIT_NO_SPACE, "taskq produce: disk full: accepted "
                    + submitted + ", which are safe in the queue and will be handled; " + e.getMessage()
                    + "; the stream is not sealed: end it with `taskq produce --count 0 --seal`, or free space and "
                    + "produce the rest", e);
        }
    }

    /**
     * Waits until the tasks (with --seal: the whole stream) are done or dead: exit code 0, 5 if some are dead, 3 at
     * the timeout.
     */
    private int join(TaskProducer producer, PrintStream out) {
        long joinStart = System.nanoTime();
        boolean done = seal ? producer.joinAll(timeout) : producer.join(timeout);
        if (!done) {
            out.println("join: timed out after " + Keys.format(timeout) + " with tasks still pending");
            return TaskQException.EXIT_TIMEOUT;
        }
        return JoinCommand.finished(Progress.read(producer.data()), "all tasks done", System.nanoTime() - joinStart,
                out);
    }

    /** Checks the finished job against the synthetic workload's closed form: exit code 0 or 1. */
    private int verify(TaskProducer producer, PrintStream out) {
        String mismatch = WorkloadCheck.mismatch(Progress.read(producer.data()), count);
        if (mismatch != null) {
            out.println("NOT VERIFIED: " + mismatch);
            return TaskQException.EXIT_FAILED;
        }
        out.println("VERIFIED: " + Terminal.count(count) + " tasks, each done exactly once; the totals match the "
                + "closed form");
        return 0;
    }
}
