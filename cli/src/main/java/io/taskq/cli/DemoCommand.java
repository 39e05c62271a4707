package io.taskq.cli;

import io.taskq.common.Await;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.LatencyBuckets;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.workload.Workload;
import io.taskq.workload.WorkloadCheck;
import net.openhft.chronicle.queue.RollCycles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code taskq demo [--count N] [--consumers C] [--data-dir DIR]}: a fresh run with 1 producer and C consumers, each a
 * separate JVM, progress while it runs, then a summary table checked against the closed form. Exits 0 only if the
 * totals match and every process exited 0. The processes log their settings at start into logs/ of the run.
 */
@Command(name = "demo", sortOptions = false,
        description = "run 1 producer and C consumers as separate processes and verify the totals")
final class DemoCommand implements Callable<Integer> {
    /** Marks a directory as a demo's, so a later demo may empty it; nothing else is ever deleted. */
    static final String MARKER = ".taskq-demo";

    @ConfigOverride("demo.count")
    @Option(names = "--count", paramLabel = "N",
            description = "tasks to submit (config demo.count, default ${DEFAULT-VALUE})")
    private String count;
    @ConfigOverride("demo.consumers")
    @Option(names = "--consumers", paramLabel = "C",
            description = "consumer processes (config demo.consumers, default ${DEFAULT-VALUE})")
    private String consumers;
    @ConfigOverride("demo.data-dir")
    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the run lives (config demo.data-dir, "
            + "default ${DEFAULT-VALUE}); emptied first, but only if it is empty or holds an earlier demo run")
    private String dataDir;
    @ConfigOverride("consumer.batch-size")
    @Option(names = "--batch-size", paramLabel = "N",
            description = "most tasks per claim (config consumer.batch-size, default ${DEFAULT-VALUE})")
    private String batchSize;
    @ConfigOverride("consumer.idle")
    @Option(names = "--idle", paramLabel = "STRATEGY", description = "the consumers' idle strategy: busy, yielding, "
            + "balanced or sleepy (config consumer.idle, default ${DEFAULT-VALUE})")
    private String idle;
    @Option(names = "--hosts", paramLabel = "H", arity = "0..1", fallbackValue = "2",
            description = "instead: H hosts (2..16; 2 with --hosts alone) share the job through a development Kafka "
                    + "broker, each with its own data directory, bridge and C consumers; the results topic is "
                    + "verified (docs/MULTI-HOST.md)")
    private Integer hosts;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = taskq.out();
        PrintStream err = taskq.err();
        TaskQConfig config = Launch.config(spec);
        long count = config.get(Keys.DEMO_COUNT);
        int consumers = config.get(Keys.DEMO_CONSUMERS);
        Path dir = config.get(Keys.DEMO_DATA_DIR).toAbsolutePath().normalize();
        if (hosts != null) {
            if (hosts < 2 || hosts > 16)
                throw TaskQException.usage("taskq demo: --hosts " + hosts + ": must be 2..16");
            if (spec.commandLine().getParseResult().hasMatchedOption("--batch-size")
                    || spec.commandLine().getParseResult().hasMatchedOption("--idle"))
                throw TaskQException.usage("taskq demo: --batch-size and --idle go with the one-host demo; with "
                        + "--hosts, set consumer.batch-size and consumer.idle in the configuration file");
            List<String> configArgs = configFile.file() == null ? List.of()
                    : List.of("--config", configFile.file().toString());
            return MultiHostDemo.run(dir, hosts, consumers, count, configArgs, out, err);
        }
        prepare(dir);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path data = dir.resolve("data");
        out.printf("TaskQ demo: %s tasks, 1 producer and %d consumers as separate JVMs, data in %s%n",
                Terminal.count(count), consumers, data);

        List<String> common = new ArrayList<>(List.of("--data-dir", data.toString()));
        if (configFile.file() != null)
            common.addAll(List.of("--config", configFile.file().toString()));
        List<String> consumerArgs = new ArrayList<>(common);
        consumerArgs.addAll(List.of("--exit-on-eos", "--batch-size", String.valueOf(config.get(Keys.BATCH_SIZE)),
                "--idle", config.get(Keys.IDLE)));

        List<Process> processes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int k = 0; k < consumers; k++) {
                List<String> a = new ArrayList<>(List.of("consume", "--index", String.valueOf(k)));
                a.addAll(consumerArgs);
                processes.add(start("consumer-" + k, a, logs));
                names.add("consumer-" + k);
            }
            // Time the queue, not JVM start-up: the producer starts once every consumer holds its slot.
            if (!awaitConsumers(data, config.get(Keys.ROLL_CYCLE), consumers, processes,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(120))) {
                err.println("taskq demo: the consumers did not all start; see " + logs);
                return TaskQException.EXIT_FAILED;
            }
            // --verbose: the producer's log, like the consumers', starts with its effective settings.
            List<String> p = new ArrayList<>(List.of("produce", "--verbose", "--count", String.valueOf(count),
                    "--seal"));
            p.addAll(common);
            processes.add(start("producer", p, logs));
            names.add("producer");

            // The consumers created the directory, so it can be opened once for progress and the summary.
            try (DataDirectory d = Launch.openExisting(config, data)) {
                return finish(d, count, processes, names, logs, out, err);
            }
        } finally {
            if (!ChildProcesses.stopAll(processes, ChildProcesses.DEFAULT_GRACE))
                err.println("taskq demo: some of its processes did not exit even after SIGKILL: pids "
                        + processes.stream().filter(Process::isAlive).map(p -> String.valueOf(p.pid())).toList());
        }
    }

    /** Watches the run, waits for every process, prints the summary; the demo's exit code. */
    private static int finish(DataDirectory d, long count, List<Process> processes, List<String> names, Path logs,
                              PrintStream out, PrintStream err) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + count / 20_000);
        boolean finished = watch(d, count, processes, deadline, out);
        if (finished)
            for (Process proc : processes)
                if (!proc.waitFor(30, TimeUnit.SECONDS))
                    finished = false;
        boolean allZero = true;
        for (int i = 0; i < processes.size(); i++) {
            Process proc = processes.get(i);
            if (proc.isAlive() || proc.exitValue() != 0) {
                allZero = false;
                err.println("taskq demo: " + names.get(i) + " (pid " + proc.pid() + ") "
                        + (proc.isAlive() ? "was still running" : "exited with " + proc.exitValue())
                        + "; its log: " + logs.resolve(names.get(i) + ".log"));
            }
        }
        if (!finished)
            err.println("taskq demo: the run did not complete (a process failed or the deadline passed); see " + logs);
        if (summary(d, count, out) && allZero && finished) {
            out.println("VERIFIED: every task was handled exactly once; the totals match the closed form.");
            return 0;
        }
        out.println("NOT VERIFIED: see the messages above and the logs in " + logs);
        return TaskQException.EXIT_FAILED;
    }

    /** Empties {@code dir} for a fresh run, but only if it is empty or was made by an earlier demo. */
    static void prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER)))
                throw TaskQException.usage("taskq demo: --data-dir " + dir + " holds files that are not from an "
                        + "earlier demo; the demo starts fresh, so pick an empty or new directory");
            if (!empty)
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
                        if (!p.equals(dir))
                            Files.delete(p);
                }
        } else if (Files.exists(dir)) {
            throw TaskQException.usage("taskq demo: --data-dir " + dir + " is a file, not a directory");
        }
        Files.createDirectories(dir);
        DataDirectory.requireWritable(dir);
        Files.writeString(dir.resolve(MARKER), "A taskq demo run; the next demo empties this directory.\n");
    }

    static Process start(String role, List<String> args, Path logs) throws IOException {
        Path log = logs.resolve(role + ".log");
        return new ProcessBuilder(JvmLauncher.command(role, List.of(), args))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Waits until {@code consumers} slots are taken; false if a process exits or the deadline passes first. */
    private static boolean awaitConsumers(Path data, RollCycles rollCycle, int consumers, List<Process> processes,
                                          long deadline) throws InterruptedException {
        return Progress.awaitUsedSlots(data, rollCycle, consumers, deadline,
                () -> processes.stream().allMatch(Process::isAlive));
    }

    /** Shows progress until the stream is sealed and done, a process fails, or the deadline passes. */
    private static boolean watch(DataDirectory d, long count, List<Process> processes, long deadline, PrintStream out) {
        boolean tty = Terminal.interactive();
        Duration redraw = Duration.ofMillis(tty ? 100 : 200);
        RunWatch run = new RunWatch(d, count, processes, tty, out);
        Await.backoff(redraw, redraw).until(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), run::over);
        if (tty)
            out.println();
        return run.allDone;
    }

    /** One look at a running demo: prints its progress, and says whether the run is over (done or failed). */
    private static final class RunWatch {
        private static final long LINE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

        private final DataDirectory data;
        private final long count;
        private final List<Process> processes;
        private final boolean tty;
        private final PrintStream out;
        private long nextLine;
        private boolean allDone;

        RunWatch(DataDirectory data, long count, List<Process> processes, boolean tty, PrintStream out) {
            this.data = data;
            this.count = count;
            this.processes = processes;
            this.tty = tty;
            this.out = out;
            this.nextLine = System.nanoTime();
        }

        /** True once every task is done, or a process has failed; prints the progress line. */
        boolean over() {
            for (Process p : processes)
                if (!p.isAlive() && p.exitValue() != 0)
                    return true;
            Progress p = Progress.read(data);
            allDone = p.allDone();
            String line = "progress " + Terminal.bar(p.done(), count, 30) + " submitted "
                    + Terminal.count(p.submitted()) + ", done " + Terminal.count(p.done());
            if (tty)
                Terminal.overwrite(out, line);
            else if (System.nanoTime() - nextLine >= 0 || allDone) {
                out.println(line);
                nextLine = System.nanoTime() + LINE_EVERY_NANOS;
            }
            return allDone;
        }
    }

    /** Prints the per-slot table, totals, throughput and latency; true if the totals match the closed form. */
    static boolean summary(DataDirectory d, long count, PrintStream out) {
        Progress p = Progress.read(d);
        LatencyBuckets all = new LatencyBuckets();
        long lastCommit = 0;
        out.println();
        out.printf(Locale.ROOT, "%-5s %-8s %12s %16s %22s %12s %9s %9s %10s%n", "slot", "pid", "done", "sumValue",
                "sumPayload", "lastSeq", "p50(us)", "p99(us)", "max(us)");
        for (SlotSnapshot s : p.slots()) {
            LatencyBuckets lat = StatusCommand.latencies(d, s.index());
            d.slots().slot(s.index()).addLatencies(all);
            lastCommit = Math.max(lastCommit, d.slots().slot(s.index()).lastCommitNanos());
            out.printf(Locale.ROOT, "%-5d %-8d %12s %16d %22.1f %12d %9.1f %9.1f %10.1f%n", s.index(), s.pid(),
                    Terminal.count(s.figures().done), s.figures().sumValue, s.figures().sumPayload, s.figures().lastSeq,
                    StatusCommand.micros(lat.percentile(50)), StatusCommand.micros(lat.percentile(99)),
                    StatusCommand.micros(lat.max()));
        }
        long expectedValue = Workload.expectedSumValue(count);
        double expectedPayload = Workload.expectedSumPayload(count);
        out.printf(Locale.ROOT, "%-14s %12s %16d %22.1f%n", "total", Terminal.count(p.done()), p.sumValue(),
                p.sumPayload());
        out.printf(Locale.ROOT, "%-14s %12s %16d %22.1f%n", "expected", Terminal.count(count), expectedValue,
                expectedPayload);
        // The demo's handler does not fail; one configured to may, and then the totals cannot match.
        if (p.failures() > 0)
            out.printf(Locale.ROOT, "handler failures: %s; %s tasks dead (taskq dead lists them), %s retrying%n",
                    Terminal.count(p.failures()), Terminal.count(p.dead()), Terminal.count(p.retrying()));
        double seconds = (lastCommit - p.firstPutNanos()) / 1e9;
        if (p.firstPutNanos() != 0 && lastCommit > p.firstPutNanos())
            out.printf(Locale.ROOT,
                    "throughput: %s tasks/s (%s tasks from the first put to the last task done, %.3f s)%n",
                    Terminal.count(Math.round(p.done() / seconds)), Terminal.count(p.done()), seconds);
        out.printf(Locale.ROOT,
                "latency, put to handled (queueing included; the producer does not pace): p50 %s, p99 %s, max %s%n",
                micros(all.percentile(50)), micros(all.percentile(99)), micros(all.max()));
        String mismatch = WorkloadCheck.mismatch(p, count);
        if (mismatch != null)
            out.println("MISMATCH: " + mismatch);
        return mismatch == null;
    }

    private static String micros(long nanos) {
        if (nanos >= 10_000_000)
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        return String.format(Locale.ROOT, "%.1f us", nanos / 1000.0);
    }
}
