package io.taskq.cli;

import io.taskq.common.TaskQException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code taskq <command> [options]}, the top command of bin/taskq. Exit codes: 0 success, 1 failure (including a run
 * that does not verify), 2 usage, configuration, input or data-directory error, 3 timeout, 4 the task queue's file
 * system is full ({@code queue.min-free-bytes}; {@code produce} stopped, and every task it accepted is safe), 5 a join
 * found every task finished but some dead, 6 a consumer cut off a handler call by {@code consumer.task-timeout}. An
 * exit 2 changes nothing in the data directory, with one exception the message states: a malformed CSV line stops
 * {@code produce}, and the lines before it stay submitted.
 * <p>
 * Every error is one line on stderr, {@code taskq <command>: ...}, naming the culprit ({@link OneLineErrors}). The
 * one-shot commands (those with {@code -v}, see {@link Verbosity}) keep their console to their own output.
 */
@Command(name = "taskq", mixinStandardHelpOptions = true, versionProvider = TaskqVersion.class,
        synopsisSubcommandLabel = "<command>",
        description = "A low-latency, persisted task queue for processes on one host (taskq <command> --help for "
                + "the options of a command).",
        subcommands = {DemoCommand.class, ProduceCommand.class, ConsumeCommand.class, StatusCommand.class,
                JoinCommand.class, DeadCommand.class, ResultsCommand.class, TailCommand.class, BenchCommand.class,
                DoctorCommand.class, MetricsCommand.class, CompletionCommand.class, BridgeCommand.class,
                KafkaCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed, 2 bad usage/configuration/input/data, 3 timeout, "
                + "4 disk full (produce), 5 dead tasks (join), 6 task timeout (consume), 7 taken over while stopped "
                + "(consume)."})
public final class Main implements Callable<Integer> {
    /** Columns of the generated help. */
    static final int HELP_WIDTH = 110;

    private final PrintStream out;
    private final PrintStream err;
    @Spec
    private CommandSpec spec;

    private Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command and returns its exit code; errors become one line on {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /** The whole command tree, writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        OneLineErrors errors = new OneLineErrors();
        return new CommandLine(new Main(out, err))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                // An argument starting with @ is a file name or a pattern, never a file of more arguments.
                .setExpandAtFiles(false)
                .setUsageHelpWidth(HELP_WIDTH)
                .setDefaultValueProvider(new KeyDefaults())
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors)
                .setExecutionStrategy(Main::execute);
    }

    /** Runs the command the arguments name, with a quiet console for a one-shot command without {@code -v}. */
    private static int execute(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand())
            leaf = leaf.subcommand();
        boolean quiet = leaf.commandSpec().mixins().values().stream()
                .anyMatch(mixin -> mixin.userObject() instanceof Verbosity v && !v.verbose());
        if (!quiet)
            return new RunLast().execute(parsed);
        try (QuietConsole ignored = QuietConsole.apply()) {
            return new RunLast().execute(parsed);
        }
    }

    /** {@code taskq} alone: the usage, and exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return TaskQException.EXIT_USAGE;
    }

    /** Where a command prints its output. */
    PrintStream out() {
        return out;
    }

    /** Where a command prints what is not its output (the demo's process failures). */
    PrintStream err() {
        return err;
    }
}
