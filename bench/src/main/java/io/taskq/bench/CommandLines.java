package io.taskq.bench;

import io.taskq.cli.Launch;
import io.taskq.cli.OneLineErrors;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the picocli commands of bench's entry points ({@link BenchMain}, {@link BenchProducer}, {@link RawChronicle})
 * the way every taskq command behaves: {@code --help} on the output stream without colours, and every error as one
 * line {@code <command>: <message>} on the error stream with TaskQ's exit codes (2 for usage, with a suggestion for
 * a mistyped option; 1 for a run that failed).
 */
final class CommandLines {
    private CommandLines() {
    }

    /**
     * Parses {@code args} into {@code command} (an {@code @Command}) and runs it.
     *
     * @return the exit code: the command's own, 2 for a usage error, or that of the {@link TaskQException} it threw
     */
    static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        PrintWriter errors = new PrintWriter(err, true);
        return new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(errors)
                .setColorScheme(CommandLine.Help.defaultColorScheme(Ansi.OFF))
                .setParameterExceptionHandler((e, given) -> {
                    errors.println(name(e.getCommandLine()) + ": " + OneLineErrors.describe(e, given));
                    return TaskQException.EXIT_USAGE;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> failed(e, name(line), errors))
                .execute(args);
    }

    private static String name(CommandLine line) {
        return line.getCommandSpec().qualifiedName();
    }

    /** The one line for a command that threw. */
    private static int failed(Exception e, String command, PrintWriter err) {
        if (e instanceof TaskQException t) {
            String message = t.getMessage();
            err.println(message.startsWith("taskq ") || message.startsWith(command + ":") ? message
                    : command + ": " + message);
            return t.exitCode();
        }
        if (e instanceof BenchFailure) {
            err.println(command + ": FAILED: " + e.getMessage());
            return TaskQException.EXIT_FAILED;
        }
        err.println(command + ": failed: " + e);
        e.printStackTrace(err);
        return TaskQException.EXIT_FAILED;
    }

    /** A whole number in {@code min..max}, as {@code --name=value} was given; else a usage error naming it. */
    static long inRange(String option, long value, long min, long max) {
        if (value < min || value > max)
            throw TaskQException.usage(option + "=" + value + ": must be " + min + ".." + max);
        return value;
    }

    /**
     * The configuration as every taskq command loads it ({@link Launch#load}): from {@code configFile}, or when
     * that is null from {@code TASKQ_CONFIG} or the checkout's {@code config/taskq.yaml}; {@code dataDir}, unless
     * null, overrides {@code data-dir} as {@code --data-dir} does.
     */
    static TaskQConfig config(Path configFile, String dataDir) {
        Map<String, String[]> overrides = new LinkedHashMap<>();
        if (dataDir != null)
            overrides.put(Keys.DATA_DIR.name(), new String[]{dataDir, "--data-dir"});
        return Launch.load(configFile, overrides);
    }
}
