package io.taskq.cli;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.Workload;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.workload.WorkloadCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code taskq produce (--count N | --input FILE|-) [--rate R] [--wait-consumers K] [--seal] [--join [--verify]]
 * [--timeout D] [--data-dir DIR]}: optionally waits until K live consumers hold a slot, then submits synthetic tasks (DESIGN's workload) or {@code value,payload} CSV lines, optionally seals the stream and
 * joins, and with {@code --verify} checks the finished job against the workload's closed form (exit 1 if it does not
 * match). Prints one summary line on stdout; shows a progress bar on a terminal.
 */
public final class ProduceCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ProduceCommand.class);
    /** The claim cursor keeps 48 bits of seq; this leaves ample room and catches typos. */
    public static final long MAX_COUNT = 1_000_000_000_000L;
    public static final String USAGE = """
            usage: taskq produce (--count N | --input FILE|-) [--rate R] [--wait-consumers K] [--seal] [--join [--verify]]
                                 [--timeout DURATION] [--data-dir DIR] [--config FILE]
              --count N       submit N synthetic tasks: value = i mod 1000, payload = i * 0.5 (0..MAX)
              --input FILE|-  submit one task per CSV line "value,payload" (int, double); - reads stdin
              --rate R        tasks per second (default producer.rate, 0 = as fast as possible)
              --wait-consumers K
                              before the first put, wait until K live consumers hold a slot, so that the work is
                              spread over all of them from the start (default 0: do not wait); gives up after
                              --timeout with exit code 3, having put nothing
              --seal          end the stream after these tasks (consumers with --exit-on-eos then stop)
              --join          wait until the tasks are done (with --seal: until the whole stream is done)
              --timeout D     give up waiting for consumers, or joining, after D (e.g. 30s, 5m); exit code 3
              --verify        with --count, --seal and --join: once all is done, check that the stream holds exactly
                              these N tasks, each done once, and that the totals match the closed form;
                              exit 1 if not (the same check as the demo)
            """.replace("MAX", String.valueOf(MAX_COUNT));

    private ProduceCommand() {
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse("taskq produce", args, Set.of("count", "input", "rate", "wait-consumers", "timeout", "data-dir", "config"),
                Set.of("seal", "join", "verify", "help"), false);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        if (o.has("count") == o.has("input"))
            throw TaskQException.usage("taskq produce: give exactly one of --count N or --input FILE|-");
        long count = o.longValue("count", 0, MAX_COUNT, -1);
        boolean verify = o.flag("verify");
        if (verify && !(o.has("count") && o.flag("seal") && o.flag("join")))
            throw TaskQException.usage("taskq produce: --verify needs --count N, --seal and --join (it checks the finished"
                    + " synthetic workload against its closed form)");
        Duration timeout = o.durationValue("timeout", Duration.ofDays(365));
        int waitConsumers = (int) o.longValue("wait-consumers", 0, 4096, 0);
        TaskQConfig config = Launch.config(o, Map.of("data-dir", Keys.DATA_DIR.name(), "rate", Keys.RATE.name()));
        ProducerSettings settings = ProducerSettings.from(config);
        BufferedReader input = o.has("input") ? openInput(o.get("input")) : null;
        String inputName = "-".equals(o.get("input")) ? "stdin" : "input " + o.get("input");
        LOG.info("producer pid {}: {}", ProcessHandle.current().pid(), config.describe(ProducerSettings.KEYS));

        try (TaskProducer producer = TaskProducer.open(settings)) {
            long sealedAt = producer.data().ledger().sealedCount();
            if (sealedAt >= 0 && (count != 0 || input != null))
                throw TaskQException.usage("taskq produce: the stream in " + settings.dataDir() + " is sealed at "
                        + Terminal.count(sealedAt) + " tasks and takes no more; use a fresh --data-dir");
            int slots = producer.data().slots().size();
            if (waitConsumers > slots)
                throw TaskQException.usage("taskq produce: --wait-consumers " + waitConsumers + " is more than the "
                        + slots + " result slots of " + settings.dataDir() + " (slots.max)");
            if (waitConsumers > 0 && !awaitConsumers(producer, waitConsumers, timeout, settings.dataDir())) {
                out.println("wait-consumers: timed out after " + Keys.format(timeout) + " with "
                        + liveConsumers(producer) + " of " + waitConsumers
                        + " consumers holding a slot; nothing was submitted");
                return TaskQException.EXIT_TIMEOUT;
            }
            Pacer pacer = new Pacer(settings.rate());
            Progress progress = new Progress(count, Terminal.interactive());
            long first = -1;
            long submitted = 0;
            long start = System.nanoTime();
            if (input == null) {
                for (long i = 0; i < count; i++) {
                    pacer.await(i);
                    long seq = put(producer, Workload.value(i), Workload.payload(i), submitted, first, progress);
                    if (first < 0)
                        first = seq;
                    submitted++;
                    progress.update(submitted);
                }
            } else {
                try (BufferedReader in = input) {
                    String line;
                    long lineNo = 0;
                    while ((line = in.readLine()) != null) {
                        lineNo++;
                        String text = line.strip();
                        if (text.isEmpty() || text.startsWith("#") || (lineNo == 1 && text.equalsIgnoreCase("value,payload")))
                            continue;
                        int value;
                        double payload;
                        try {
                            String[] fields = text.split(",", -1);
                            if (fields.length != 2)
                                throw new IllegalArgumentException("expected 2 fields value,payload, found " + fields.length);
                            value = parseValue(fields[0].strip());
                            payload = parsePayload(fields[1].strip());
                        } catch (IllegalArgumentException e) {
                            progress.finish();
                            throw TaskQException.usage("taskq produce: " + inputName + " line " + lineNo + " '" + abbreviate(text) + "': "
                                    + e.getMessage() + "; " + describe(submitted, first)
                                    + " before it stay submitted; the stream was not sealed");
                        }
                        pacer.await(submitted);
                        long seq = put(producer, value, payload, submitted, first, progress);
                        if (first < 0)
                            first = seq;
                        submitted++;
                        progress.update(submitted);
                    }
                }
            }
            progress.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            StringBuilder summary = new StringBuilder("submitted ").append(describe(submitted, first))
                    .append(String.format(" in %.2f s (%s tasks/s)", seconds, Terminal.rate(submitted / Math.max(seconds, 1e-9))));
            if (o.flag("seal"))
                summary.append("; stream sealed at ").append(Terminal.count(producer.seal())).append(" tasks");
            out.println(summary);
            if (o.flag("join")) {
                long joinStart = System.nanoTime();
                boolean done = o.flag("seal") ? producer.joinAll(timeout) : producer.join(timeout);
                if (!done) {
                    out.println("join: timed out after " + Keys.format(timeout) + " with tasks still pending");
                    return TaskQException.EXIT_TIMEOUT;
                }
                out.printf("join: all tasks done (waited %.2f s)%n", (System.nanoTime() - joinStart) / 1e9);
            }
            if (verify) {
                String mismatch = WorkloadCheck.mismatch(io.taskq.common.store.Progress.read(producer.data()), count);
                if (mismatch != null) {
                    out.println("NOT VERIFIED: " + mismatch);
                    return TaskQException.EXIT_FAILED;
                }
                out.println("VERIFIED: " + Terminal.count(count) + " tasks, each done exactly once; the totals match the closed form");
            }
            return 0;
        }
    }

    /**
     * Waits until {@code wanted} live consumers hold a slot, polling the slot table every 20 ms and logging who is
     * missing every 5 s. Returns false if {@code timeout} passes first.
     */
    private static boolean awaitConsumers(TaskProducer producer, int wanted, Duration timeout, Path dataDir) {
        long start = System.nanoTime();
        long deadline = start + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        long nextLog = start + 5_000_000_000L;
        int live = liveConsumers(producer);
        if (live < wanted)
            LOG.info("waiting for {} consumers to hold a slot in {} ({} do)", wanted, dataDir, live);
        while (live < wanted) {
            long now = System.nanoTime();
            if (now - deadline >= 0)
                return false;
            if (now - nextLog >= 0) {
                LOG.info("still waiting for consumers: {} of {} hold a slot after {} s", live, wanted,
                        (now - start) / 1_000_000_000L);
                nextLog = now + 5_000_000_000L;
            }
            LockSupport.parkNanos(20_000_000L);
            if (Thread.interrupted())
                return false;
            live = liveConsumers(producer);
        }
        LOG.info("{} consumers hold a slot; producing", live);
        return true;
    }

    private static int liveConsumers(TaskProducer producer) {
        return io.taskq.common.store.Progress.read(producer.data()).liveConsumers();
    }

    /**
     * One put; a stream sealed meanwhile by another process, or a full disk, is a clear one-line error that says what
     * was submitted.
     */
    private static long put(TaskProducer producer, int value, double payload, long submitted, long first, Progress progress) {
        try {
            return producer.put(value, payload);
        } catch (StreamSealedException sealed) {
            progress.finish();
            throw TaskQException.usage("taskq produce: " + sealed.getMessage() + " (sealed by another process); "
                    + describe(submitted, first) + " were submitted before that");
        } catch (TaskQException e) {
            progress.finish();
            if (e.exitCode() != TaskQException.EXIT_NO_SPACE)
                throw e;
            throw new TaskQException(TaskQException.EXIT_NO_SPACE, "taskq produce: disk full: accepted "
                    + describe(submitted, first) + ", which are safe in the queue and will be handled; " + e.getMessage()
                    + "; the stream is not sealed: end it with `taskq produce --count 0 --seal`, or free space and produce the rest", e);
        }
    }

    private static BufferedReader openInput(String name) {
        if (name.equals("-"))
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Path path = Path.of(name);
        try {
            return Files.newBufferedReader(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw TaskQException.usage("taskq produce: --input " + name + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static int parseValue(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + s + "' is not an int");
        }
    }

    private static double parsePayload(String s) {
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("payload '" + s + "' is not a number");
        }
        if (!Double.isFinite(d))
            throw new IllegalArgumentException("payload '" + s + "' is not finite");
        return d;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String describe(long submitted, long first) {
        if (submitted == 0)
            return "0 tasks";
        return Terminal.count(submitted) + (submitted == 1 ? " task" : " tasks") + " (seq " + first + ".." + (first + submitted - 1) + ")";
    }

    /** Paces puts to a steady rate by the intended send time of each task, so a stall is caught up, not lost. */
    private static final class Pacer {
        private final long intervalNanos;
        private final long start = System.nanoTime();

        Pacer(long rate) {
            this.intervalNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
        }

        void await(long i) {
            if (intervalNanos == 0)
                return;
            long due = start + i * intervalNanos;
            for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                if (left > 50_000)
                    LockSupport.parkNanos(left - 20_000);
                else
                    Thread.onSpinWait();
            }
        }
    }

    /** A progress bar on stderr, redrawn at most 5 times a second, only on a terminal. */
    private static final class Progress {
        private final long total;
        private final boolean enabled;
        private final long start = System.nanoTime();
        private long nextDraw;
        private boolean drawn;

        Progress(long total, boolean enabled) {
            this.total = total;
            this.enabled = enabled;
        }

        void update(long done) {
            if (!enabled || (done & 1023) != 0)
                return;
            long now = System.nanoTime();
            if (now < nextDraw)
                return;
            nextDraw = now + 200_000_000L;
            double rate = done / Math.max((now - start) / 1e9, 1e-9);
            String line = total > 0
                    ? Terminal.bar(done, total, 30) + " " + Terminal.count(done) + "/" + Terminal.count(total)
                    : Terminal.count(done) + " tasks";
            Terminal.overwrite(System.err, "produce " + line + "  " + Terminal.rate(rate) + " tasks/s");
            drawn = true;
        }

        void finish() {
            if (drawn)
                System.err.println();
            drawn = false;
        }
    }
}
