package io.taskq.cli;

import io.taskq.common.TaskQException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code taskq <command> [options]}. Exit codes: 0 success, 1 failure (including a run that does not verify),
 * 2 usage, configuration, input or data-directory error, 3 timeout, 4 the task queue's file system is full
 * ({@code queue.min-free-bytes}; {@code produce} stopped, and every task it accepted is safe). An exit 2 changes nothing in the data directory,
 * with one exception the message states: a malformed CSV line stops {@code produce}, and the lines before it stay
 * submitted.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final String USAGE = """
            usage: taskq <command> [options]     (taskq <command> --help for its options)

              demo     run 1 producer and C consumers as separate processes and verify the totals
              produce  submit tasks (synthetic or CSV), optionally seal the stream and join
              consume  run one consumer on its result slot
              status   show totals and one row per slot (--json, --watch)
              join     wait until submitted tasks are done (--all: until the sealed stream is done)
              tail     print the task queue with Chronicle's ChronicleReaderMain
              bench    run the standard benchmarks and their baselines (bin/taskq runs it from the bench module)
              doctor   check a data directory's files, owners, locks and orphaned batches (--json)

            exit codes: 0 ok, 1 failed, 2 bad usage/configuration/input/data, 3 timeout, 4 disk full (produce)
            """;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs one command and returns its exit code; errors become one line on {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? TaskQException.EXIT_USAGE : 0;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "produce" -> ProduceCommand.run(rest, out);
                case "consume" -> ConsumeCommand.run(rest, out);
                case "status" -> StatusCommand.run(rest, out);
                case "join" -> JoinCommand.run(rest, out);
                case "tail" -> TailCommand.run(rest, out);
                case "demo" -> DemoCommand.run(rest, out, err);
                case "bench" -> throw TaskQException.usage("taskq bench runs from the bench module's jars: start it with bin/taskq bench");
                case "doctor" -> DoctorCommand.run(rest, out);
                default -> throw TaskQException.usage("unknown command '" + command
                        + "' (commands: demo, produce, consume, status, join, tail, bench, doctor)");
            };
        } catch (TaskQException e) {
            String message = e.getMessage();
            err.println(message.startsWith("taskq ") ? message : "taskq " + command + ": " + message);
            return e.exitCode();
        } catch (Exception | Error e) {
            LOG.error("taskq {} failed", command, e);
            err.println("taskq " + command + ": failed: " + e);
            return TaskQException.EXIT_FAILED;
        }
    }
}
