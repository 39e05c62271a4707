package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code taskq tail [--data-dir DIR] [ChronicleReaderMain flags]}: runs Chronicle Queue's own
 * {@code ChronicleReaderMain} on the task queue ({@link TailReader}), as a method reader of {@link TailEvents}
 * ({@code -r}), so the binary task DTOs print as text with their field names, and bodies as text when they are valid
 * UTF-8, in hex otherwise ({@link TailedTask}). Every argument that is not one of tail's own options goes to
 * ChronicleReaderMain unchanged.
 */
@Command(name = "tail", sortOptions = false,
        description = "print the task queue with Chronicle's ChronicleReaderMain",
        customSynopsis = "taskq tail [-hv] [--data-dir DIR] [--config FILE] [ChronicleReaderMain flags]",
        footer = {"", "Other flags go to ChronicleReaderMain unchanged, e.g. -f (follow: keep printing new tasks as "
                + "they arrive), -m 10 (the last 10), -n INDEX, -i REGEX, -e REGEX, -l, -w JSON."})
final class TailCommand implements Callable<Integer> {
    @Mixin
    private DataDirOption dataDir;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private Verbosity verbosity;
    @Mixin
    private HelpOption help;
    /** ChronicleReaderMain's flags, in the order given. */
    @Unmatched
    private List<String> readerFlags = new ArrayList<>();
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() {
        TaskQConfig config = Launch.config(spec);
        // The same checks as every other command: a damaged ledger, map or queue directory is refused, not printed.
        Launch.openExisting(config).close();
        Path tasks = config.get(Keys.DATA_DIR).resolve(DataDirectory.TASKS);
        if (!Files.isDirectory(tasks) || !hasCycleFile(tasks))
            throw TaskQException.usage("taskq tail: no task queue at " + tasks
                    + " (nothing produced yet, or wrong --data-dir)");
        for (String a : readerFlags)
            if (a.equals("-d") || a.startsWith("--directory"))
                throw TaskQException.usage("taskq tail: use --data-dir DIR instead of " + a);
        List<String> readerArgs = new ArrayList<>(List.of("-d", tasks.toString()));
        // Tasks are compact binary DTOs: the reader prints them as text only as calls of an interface such as this.
        if (!readerFlags.contains("-r"))
            readerArgs.addAll(List.of("-r", TailEvents.class.getName()));
        readerArgs.addAll(readerFlags);
        new TailReader(taskq.out()).print(readerArgs.toArray(String[]::new));
        return 0;
    }

    /** True once a producer wrote something: the directory is created with the data directory, empty. */
    private static boolean hasCycleFile(Path tasks) {
        try (Stream<Path> files = Files.list(tasks)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".cq4"));
        } catch (IOException e) {
            throw TaskQException.usage("taskq tail: cannot list " + tasks + " (" + e.getMessage() + ")");
        }
    }
}
