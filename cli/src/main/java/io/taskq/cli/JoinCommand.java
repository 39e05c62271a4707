package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Joiner;
import io.taskq.common.store.Progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * {@code taskq join [--all] [--timeout D] [--data-dir DIR]}: exits 0 once every task submitted before the call is
 * done (with {@code --all}: once the stream is sealed and all of it is done), 3 at the timeout.
 */
final class JoinCommand {
    static final String USAGE = """
            usage: taskq join [--all] [--timeout DURATION] [--data-dir DIR] [--config FILE]
              --all        wait until the stream is sealed and every task in it is done
              --timeout D  give up after D (e.g. 30s, 5m) with exit code 3; default: wait indefinitely
            """;

    private JoinCommand() {
    }

    static int run(String[] args, PrintStream out) {
        Options o = Options.parse("taskq join", args, Set.of("timeout", "data-dir", "config"), Set.of("all", "help"), false);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        Duration timeout = o.durationValue("timeout", Duration.ofDays(365 * 100L));
        TaskQConfig config = Launch.config(o, Launch.dataDirFlag());
        try (DataDirectory data = DataDirectory.openExisting(config.get(Keys.DATA_DIR), config.get(Keys.ROLL_CYCLE), config.dataDirAccess())) {
            long target = data.ledger().submitted();
            long start = System.nanoTime();
            boolean done = o.flag("all") ? Joiner.awaitAll(data, timeout) : Joiner.awaitDone(data, target, timeout);
            Progress p = Progress.read(data);
            if (!done) {
                out.println("join: timed out after " + Keys.format(timeout) + ": done " + Terminal.count(p.done()) + " of "
                        + Terminal.count(o.flag("all") ? Math.max(p.sealedCount(), p.submitted()) : target)
                        + (o.flag("all") && !p.sealed() ? " (stream not sealed)" : ""));
                return TaskQException.EXIT_TIMEOUT;
            }
            out.printf("join: %s tasks done (waited %.2f s)%n",
                    Terminal.count(o.flag("all") ? p.sealedCount() : target), (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
