package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code taskq metrics [--textfile PATH [--interval D]] [--data-dir DIR]}: the data directory's progress as Prometheus
 * metrics ({@link MetricsReport}), read from its files as {@code status} reads them. Reads only, takes no lock and
 * opens no network connection: a scraper gets the text from a file or a pipe, never from a port.
 * <p>
 * Without {@code --textfile} it samples twice, {@link #SAMPLE} apart (for the rate), prints once and exits. With
 * {@code --textfile PATH} it rewrites PATH every interval (node_exporter's textfile collector reads it), each time as a
 * new file renamed over the old one, so a reader never sees half a file; SIGTERM or Ctrl-C ends it with exit code 0,
 * leaving the last complete file in place.
 */
@Command(name = "metrics", sortOptions = false,
        description = "print Prometheus metrics (text format 0.0.4); --textfile keeps a file up to date instead")
final class MetricsCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsCommand.class);
    /** The sampling interval of the rate for a single print: status's, so that the command stays quick. */
    static final Duration SAMPLE = Duration.ofMillis(200);
    /** How often {@code --textfile} rewrites its file unless {@code --interval} says otherwise. */
    static final Duration TEXTFILE_INTERVAL = Duration.ofSeconds(15);
    /** How long a SIGTERM waits for a rewrite in progress before the process exits anyway. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Option(names = "--textfile", paramLabel = "PATH", description = "rewrite PATH atomically every interval "
            + "(for node_exporter's textfile collector: name it *.prom) until SIGTERM or Ctrl-C, then exit 0")
    private Path textfile;
    @Option(names = "--interval", paramLabel = "DURATION", converter = OptionValues.PositiveTimeSpan.class,
            description = "how often --textfile rewrites PATH, and the rate's sampling interval (default 15s)")
    private Duration interval;
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
    public Integer call() throws InterruptedException {
        if (interval != null && textfile == null)
            throw TaskQException.usage("taskq metrics: --interval needs --textfile PATH (without it, metrics prints "
                    + "once)");
        if (textfile != null)
            checkTextfile(textfile);
        TaskQConfig config = Launch.config(spec);
        long leaseMillis = config.get(Keys.LEASE).toMillis();
        try (DataDirectory data = Launch.openExisting(config)) {
            if (textfile != null)
                return rewriteUntilStopped(data, leaseMillis, interval != null ? interval : TEXTFILE_INTERVAL);
            Progress before = Progress.read(data);
            long beforeNanos = System.nanoTime();
            // The sampling interval of the rate: a measurement, not a wait for a condition.
            Thread.sleep(SAMPLE.toMillis());
            Progress now = Progress.read(data);
            StatusCommand.Rates rates = new StatusCommand.Rates(before, now, (System.nanoTime() - beforeNanos) / 1e9);
            PrintStream out = taskq.out();
            out.print(MetricsReport.of(data, now, rates, leaseMillis));
            out.flush();
        }
        return 0;
    }

    /** Refuses a PATH that cannot be written, before anything else happens. */
    private static void checkTextfile(Path file) {
        String culprit = "taskq metrics: --textfile=" + file + ": ";
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file))
            throw TaskQException.usage(culprit + "is a directory; name a file in it, such as taskq.prom");
        if (dir == null || !Files.isDirectory(dir))
            throw TaskQException.usage(culprit + "directory " + dir + " does not exist");
        if (!Files.isWritable(dir))
            throw TaskQException.usage(culprit + "directory " + dir + " is not writable by this user");
    }

    /**
     * Writes the metrics to {@link #textfile} {@link #SAMPLE} after the start and then every {@code every}, each time
     * with the rate since the write before, until SIGTERM or Ctrl-C. The JVM would exit 143 after SIGTERM: the stop
     * hook ends the loop, waits for a rewrite in progress and halts the JVM with the loop's outcome (0 once stopped).
     */
    private int rewriteUntilStopped(DataDirectory data, long leaseMillis, Duration every)
            throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(TaskQException.EXIT_FAILED);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                ended.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(exitCode.get());
        }, "taskq-metrics-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info(QuietConsole.SHOWN, "metrics: writing {} every {} (data directory {}) until SIGTERM or Ctrl-C",
                textfile, Keys.format(every), data.dir());
        try {
            Progress before = Progress.read(data);
            long beforeNanos = System.nanoTime();
            Duration wait = SAMPLE;
            // The waits are the schedule of the rewrites, cut short by a stop.
            while (!stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                Progress now = Progress.read(data);
                long nowNanos = System.nanoTime();
                StatusCommand.Rates rates = new StatusCommand.Rates(before, now, (nowNanos - beforeNanos) / 1e9);
                writeAtomically(textfile, MetricsReport.of(data, now, rates, leaseMillis));
                before = now;
                beforeNanos = nowNanos;
                wait = every;
            }
            exitCode.set(0);
            return 0;
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it halts the JVM with the exit code set above.
            }
        }
    }

    /**
     * Replaces {@code file} with {@code text}: writes a hidden temporary file in the same directory (named after this
     * pid, so two writers do not share it; not {@code *.prom}, so the textfile collector skips it) and renames it over
     * {@code file} in one atomic step. The new file gets the permissions of the umask, like any file this user
     * creates, so that a collector running as another user can read it.
     *
     * @throws TaskQException (exit code 1) if the file cannot be written
     */
    static void writeAtomically(Path file, String text) {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try {
                Files.writeString(temp, text, StandardCharsets.UTF_8);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_FAILED, "taskq metrics: cannot write " + file + ": " + e, e);
        }
    }
}
