package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.DeadLetters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code taskq dead purge --yes [--data-dir DIR]}: hides every dead letter written so far from {@code taskq dead}
 * and {@code taskq dead retry}, for good (an append-only marker in the dead-letter queue; the records stay in
 * {@code dead/} until its files are deleted). Without {@code --yes} it refuses (exit 2) and says how many it would
 * hide. With none to hide it writes nothing. The slots' dead counts ({@code status}, {@code join}) do not change.
 */
@Command(name = "purge", sortOptions = false, description = "hide every dead task from taskq dead, for good (--yes)")
final class DeadPurgeCommand implements Callable<Integer> {
    @Option(names = "--yes", description = "really purge")
    private boolean yes;
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
    private DeadCommand dead;

    @Override
    public Integer call() {
        dead.refuseOwnOptionsBefore(spec);
        PrintStream out = dead.out();
        TaskQConfig config = Launch.config(spec);
        try (DataDirectory data = Launch.openExisting(config)) {
            DeadLetters deadLetters = data.deadLetters();
            int count = deadLetters.list().size();
            String letters = count == 1 ? "1 dead letter" : Terminal.count(count) + " dead letters";
            if (!yes)
                throw TaskQException.usage("taskq dead purge: refusing without --yes (it hides " + letters
                        + " for good)");
            if (count == 0) {
                out.println("no dead letters to purge in " + data.dir());
                return 0;
            }
            // A dead letter appended between the count and the marker is hidden too, though not counted.
            deadLetters.purge();
            out.println("purged " + letters + " in " + data.dir() + ": taskq dead no longer lists them");
            out.flush();
        }
        return 0;
    }
}
