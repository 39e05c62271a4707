package io.taskq.bench;

import io.taskq.cli.Launch;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
                    errors.println(name(e.getCommandLine()) + ": " + usageError(e, given));
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

    /** picocli's parse errors in the words of every taskq command, on one line. */
    static String usageError(ParameterException e, String[] args) {
        String seeHelp = e.getCommandLine().getCommandSpec().findOption("--help") == null ? ""
                : " (see " + name(e.getCommandLine()) + " --help)";
        if (e instanceof UnmatchedArgumentException u && u.isUnknownOption()) {
            List<String> suggestions = u.getSuggestions();
            return "unknown option " + u.getUnmatched().get(0) + seeHelp
                    + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?");
        }
        if (e instanceof MissingParameterException m) {
            List<String> missing = new ArrayList<>();
            for (ArgSpec spec : m.getMissing()) {
                if (spec instanceof OptionSpec option && given(option, args))
                    return "option " + option.longestName() + " needs a value";
                missing.add(spec instanceof OptionSpec option ? option.longestName() : spec.paramLabel());
            }
            return "missing " + String.join(", ", missing) + seeHelp;
        }
        if (e instanceof OverwrittenOptionException o && o.getOverwritten() instanceof OptionSpec option)
            return "option " + option.longestName() + " given twice";
        if (e.getCause() instanceof TypeConversionException t && e.getArgSpec() instanceof OptionSpec option)
            return option.longestName() + "=" + e.getValue() + ": " + t.getMessage();
        return e.getMessage().replace(System.lineSeparator(), " ").strip();
    }

    private static boolean given(OptionSpec option, String[] args) {
        Set<String> names = Set.of(option.names());
        return Arrays.stream(args).anyMatch(a -> names.contains(a.contains("=") ? a.substring(0, a.indexOf('=')) : a));
    }

    /** A whole number in {@code min..max}, as {@code --name=value} was given; else a usage error naming it. */
    static long inRange(String option, long value, long min, long max) {
        if (value < min || value > max)
            throw TaskQException.usage(option + "=" + value + ": must be " + min + ".." + max);
        return value;
    }

    /** A duration such as {@code 500ms}, {@code 30s} or {@code 5m}, as in the configuration file. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Keys.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
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
