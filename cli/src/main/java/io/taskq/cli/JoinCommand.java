package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Joiner;
import io.taskq.common.store.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code taskq join [--all] [--timeout D] [--data-dir DIR]}: returns once every task submitted before the call is
 * finished, done or dead (with {@code --all}: once the stream is sealed and all of it is finished). Exits 0 when no
 * task is dead, 5 when some are, and 3 at the timeout.
 */
@Command(name = "join", sortOptions = false,
        description = "wait until submitted tasks are done or dead (--all: the whole sealed stream); exit 5 if some "
                + "are dead")
final class JoinCommand implements Callable<Integer> {
    /** No --timeout: wait as good as forever. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(365 * 100L);

    @Option(names = "--all", description = "wait until the stream is sealed and every task in it is done")
    private boolean all;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = OptionValues.TimeSpan.class,
            description = "give up after DURATION (e.g. 30s, 5m) with exit code 3; default: wait indefinitely")
    private Duration timeout = NO_TIMEOUT;
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
    public Integer call() {
        PrintStream out = taskq.out();
        TaskQConfig config = Launch.config(spec);
        try (DataDirectory data = Launch.openExisting(config)) {
            long target = data.ledger().submitted();
            long start = System.nanoTime();
            boolean done = all ? Joiner.awaitAll(data, timeout) : Joiner.awaitDone(data, target, timeout);
            Progress p = Progress.read(data);
            if (!done) {
                out.println("join: timed out after " + Keys.format(timeout) + ": done " + Terminal.count(p.done())
                        + " of " + Terminal.count(all ? Math.max(p.sealedCount(), p.submitted()) : target)
                        + (all && !p.sealed() ? " (stream not sealed)" : ""));
                return TaskQException.EXIT_TIMEOUT;
            }
            return finished(p, Terminal.count(all ? p.sealedCount() : target) + " tasks done",
                    System.nanoTime() - start, out);
        }
    }

    /**
     * What a join that returned says: exit 0 when no task is dead, 5 ({@link TaskQException#EXIT_DEAD}) when some
     * are, with the counts. {@code produce --join} says the same.
     */
    static int finished(Progress p, String allDone, long waitedNanos, PrintStream out) {
        if (p.dead() > 0) {
            out.printf("join: %s done, %s dead (taskq dead lists them; waited %.2f s)%n", Terminal.count(p.done()),
                    Terminal.count(p.dead()), waitedNanos / 1e9);
            return TaskQException.EXIT_DEAD;
        }
        out.printf("join: %s (waited %.2f s)%n", allDone, waitedNanos / 1e9);
        return 0;
    }
}
