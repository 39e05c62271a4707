package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.DeadLetter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code taskq dead [--json] [--limit N] [--data-dir DIR]}: lists the dead tasks (dead-lettered after their last
 * handler call failed) since the last purge, oldest first, with their last error; {@code taskq dead retry} puts some
 * back ({@link DeadRetryCommand}), {@code taskq dead purge} hides them ({@link DeadPurgeCommand}). Reads only.
 */
@Command(name = "dead", sortOptions = false, synopsisSubcommandLabel = "[retry | purge]",
        description = "list dead tasks (failed their last attempt) with their errors; retry or purge them",
        subcommands = {DeadRetryCommand.class, DeadPurgeCommand.class})
final class DeadCommand implements Callable<Integer> {
    /** The longest line of the text listing: the error is shortened to fit. */
    static final int LINE_WIDTH = 120;
    /** The error keeps at least this much of a line, however long the rest of it is. */
    private static final int MIN_ERROR_WIDTH = 30;

    @Option(names = "--json", description = "one JSON object per dead task and line (JSON Lines)")
    private boolean json;
    @Option(names = "--limit", paramLabel = "N", converter = OptionValues.Limit.class,
            description = "show only the oldest N (default: all)")
    private Long limit;
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
            List<DeadLetter> dead = data.deadLetters().list();
            List<DeadLetter> shown = limit == null || limit >= dead.size() ? dead : dead.subList(0, limit.intValue());
            if (json)
                shown.forEach(d -> out.println(JsonOutput.line(DeadLetterReport.of(d))));
            else {
                out.println(header(data, dead.size(), shown.size()));
                shown.forEach(d -> out.println(line(d)));
            }
            out.flush();
        }
        return 0;
    }

    /** Where a subcommand prints its output. */
    PrintStream out() {
        return taskq.out();
    }

    /**
     * Refuses options given before a subcommand's name ({@code taskq dead --data-dir X retry}): they would be
     * {@code dead}'s own, and the subcommand would quietly run on its defaults.
     */
    void refuseOwnOptionsBefore(CommandSpec subcommand) {
        List<String> given = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(OptionSpec::longestName).distinct().toList();
        if (!given.isEmpty())
            throw TaskQException.usage(subcommand.qualifiedName() + ": give " + String.join(", ", given)
                    + " after '" + subcommand.name() + "', not before it");
    }

    private static String header(DataDirectory data, int dead, int shown) {
        if (dead == 0)
            return "no dead tasks in " + data.dir();
        return tasks(dead, "dead task") + " in " + data.dir()
                + (shown < dead ? ", the oldest " + Terminal.count(shown) + " shown" : "")
                + " (oldest first; times in UTC)";
    }

    /** {@code n} and the noun, plural unless n is 1: {@code 1 dead task}, {@code 1,200 dead tasks}. */
    static String tasks(long n, String noun) {
        return Terminal.count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * One dead task on one line of at most {@link #LINE_WIDTH} columns:
     * {@code seq 17  attempts 2  died 2025-03-04T10:11:12.345Z  retried as 200  IllegalStateException: boom}. Seqs
     * are printed without digit grouping so that they can be given to {@code --seq} as they are.
     */
    static String line(DeadLetter d) {
        StringBuilder sb = new StringBuilder("seq ").append(d.seq)
                .append("  attempts ").append(d.attempts)
                .append("  died ").append(DeadLetterReport.utc(d.failedAtMillis));
        if (d.retriedAs.length > 0)
            sb.append("  retried as ")
                    .append(Arrays.stream(d.retriedAs).mapToObj(Long::toString).collect(Collectors.joining(", ")));
        sb.append("  ");
        String error = DeadLetterReport.error(simpleName(d.errorClass), d.errorMessage).replaceAll("\\s+", " ")
                .strip();
        return sb.append(shorten(error, Math.max(MIN_ERROR_WIDTH, LINE_WIDTH - sb.length()))).toString();
    }

    /** The class name without its package. */
    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** {@code text} cut to {@code width} characters, ending in {@code ...} when cut. */
    static String shorten(String text, int width) {
        if (text.length() <= width)
            return text;
        int cut = width - 3;
        // Never split a character outside the BMP into a lone surrogate.
        if (Character.isHighSurrogate(text.charAt(cut - 1)))
            cut--;
        return text.substring(0, cut) + "...";
    }
}
