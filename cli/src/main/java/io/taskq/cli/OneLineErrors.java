package io.taskq.cli;

import io.taskq.common.TaskQException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.Arrays;
import java.util.List;

/**
 * Turns every error of a command into one line on stderr that starts with {@code taskq <command>: } and names the
 * culprit, and into the exit code: 2 for a bad command line (with a suggestion for a mistyped command or option),
 * the {@link TaskQException}'s own code for what a command refuses, 1 with {@code failed: <exception>} for anything
 * else (whose stack trace is logged).
 */
public final class OneLineErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OneLineErrors.class);

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + describe(ex, args));
        command.getErr().flush();
        return TaskQException.EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        // picocli passes an Error thrown by a command wrapped in its ExecutionException.
        Throwable failure = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        String name = command.getCommandSpec().qualifiedName();
        int exitCode;
        String line;
        if (failure instanceof TaskQException e) {
            exitCode = e.exitCode();
            line = e.getMessage().startsWith("taskq ") ? e.getMessage() : name + ": " + e.getMessage();
        } else {
            LOG.error("{} failed", name, failure);
            exitCode = TaskQException.EXIT_FAILED;
            line = name + ": failed: " + failure;
        }
        command.getErr().println(line);
        command.getErr().flush();
        return exitCode;
    }

    /** What is wrong with the command line {@code args}, without the command's name. */
    public static String describe(ParameterException ex, String[] args) {
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String help = " (see " + spec.qualifiedName() + " --help)";
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            if (arg.startsWith("-")) {
                int eq = arg.indexOf('=');
                String option = eq > 0 ? arg.substring(0, eq) : arg;
                List<String> names = spec.options().stream().flatMap(o -> Arrays.stream(o.names())).toList();
                return "unknown option " + option + didYouMean(Suggestions.closest(option, names), help);
            }
            if (!spec.subcommands().isEmpty())
                return "unknown command '" + arg + "'"
                        + didYouMean(Suggestions.closest(arg, spec.subcommands().keySet()),
                        " (commands: " + String.join(", ", spec.subcommands().keySet()) + ")");
            return "unexpected argument '" + arg + "'" + help;
        }
        if (ex instanceof OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof OptionSpec o)
            return "option " + o.longestName() + " given twice";
        if (ex instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec first = missing.getMissing().get(0);
            if (first instanceof OptionSpec o && given(o, args))
                return "option " + o.longestName() + " needs a value";
            return "missing " + (first instanceof OptionSpec o ? o.longestName() : first.paramLabel()) + help;
        }
        if (ex.getCause() instanceof TypeConversionException conversion && ex.getArgSpec() != null) {
            String name = ex.getArgSpec() instanceof OptionSpec o ? o.longestName() : ex.getArgSpec().paramLabel();
            return name + "=" + ex.getValue() + ": " + conversion.getMessage();
        }
        return ex.getMessage();
    }

    /** True if the command line named {@code option} (its value is what was missing). */
    private static boolean given(OptionSpec option, String[] args) {
        List<String> names = Arrays.asList(option.names());
        return Arrays.stream(args)
                .anyMatch(arg -> names.contains(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg));
    }

    private static String didYouMean(List<String> suggestions, String otherwise) {
        return suggestions.isEmpty() ? otherwise : " (did you mean: " + String.join(", ", suggestions) + "?)";
    }
}
