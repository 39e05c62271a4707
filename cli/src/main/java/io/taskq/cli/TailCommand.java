package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.TaskEvents;
import net.openhft.chronicle.queue.ChronicleReaderMain;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code taskq tail [-f] [--data-dir DIR] [ChronicleReaderMain flags]}: runs Chronicle Queue's own
 * {@code ChronicleReaderMain} on the task queue, as a method reader of {@link TaskEvents} ({@code -r}), so the binary
 * task DTOs print as text with their field names.
 */
final class TailCommand {
    static final String USAGE = """
            usage: taskq tail [-f] [--data-dir DIR] [--config FILE] [ChronicleReaderMain flags]
              -f          follow: keep printing new tasks as they arrive
              other flags go to ChronicleReaderMain, e.g. -m 10 (last 10), -n INDEX, -i REGEX, -e REGEX, -l, -w JSON
            """;

    private TailCommand() {
    }

    static int run(String[] args, PrintStream out) {
        Options o = Options.parse("taskq tail", args, Set.of("data-dir", "config"), Set.of("help"), true);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        TaskQConfig config = Launch.config(o, Launch.dataDirFlag());
        // The same checks as every other command: a damaged ledger, map or queue directory is refused, not printed.
        DataDirectory.openExisting(config.get(Keys.DATA_DIR), config.get(Keys.ROLL_CYCLE), config.dataDirAccess()).close();
        Path tasks = config.get(Keys.DATA_DIR).resolve(DataDirectory.TASKS);
        if (!Files.isDirectory(tasks) || !hasCycleFile(tasks))
            throw TaskQException.usage("taskq tail: no task queue at " + tasks + " (nothing produced yet, or wrong --data-dir)");
        for (String a : o.rest())
            if (a.equals("-d") || a.startsWith("--directory"))
                throw TaskQException.usage("taskq tail: use --data-dir DIR instead of " + a);
        List<String> readerArgs = new ArrayList<>(List.of("-d", tasks.toString()));
        // Tasks are compact binary DTOs: the reader prints them as text only as calls of TaskEvents.
        if (!o.rest().contains("-r"))
            readerArgs.addAll(List.of("-r", TaskEvents.class.getName()));
        readerArgs.addAll(o.rest());
        ChronicleReaderMain.main(readerArgs.toArray(String[]::new));
        return 0;
    }

    /** True once a producer wrote something: the directory is created with the data directory, empty. */
    private static boolean hasCycleFile(Path tasks) {
        try (var files = Files.list(tasks)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".cq4"));
        } catch (java.io.IOException e) {
            throw TaskQException.usage("taskq tail: cannot list " + tasks + " (" + e.getMessage() + ")");
        }
    }
}
