package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.ResultsReader;
import io.taskq.common.store.TaskOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code taskq results [--follow] [--json] [--from SEQ] [--seq N [--timeout D]] [--data-dir DIR]}: prints each task's
 * outcome from the results log, exactly once: done ({@code ok}) with the handler's result body, or {@code dead} with
 * its last error. Reads only.
 */
@Command(name = "results", sortOptions = false,
        description = "print each task's outcome (ok with its result body, or dead), exactly once")
final class ResultsCommand implements Callable<Integer> {
    /** How often --follow looks for new outcomes. */
    private static final long FOLLOW_PARK_NANOS = 20_000_000;

    @Option(names = "--follow", description = "keep printing outcomes as tasks finish; stops once a sealed stream "
            + "has every outcome printed")
    private boolean follow;
    @Option(names = "--json", description = "one JSON object per outcome and line (JSON Lines)")
    private boolean json;
    @Option(names = "--from", paramLabel = "SEQ", converter = OptionValues.Seq.class,
            description = "only tasks with seq SEQ or above")
    private Long from;
    @Option(names = "--seq", paramLabel = "N", converter = OptionValues.Seq.class,
            description = "only task N's outcome; exit 3 if it has none (yet)")
    private Long seq;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = OptionValues.TimeSpan.class,
            description = "with --seq: wait this long for the outcome (default 0s)")
    private Duration timeout;
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
        if (timeout != null && seq == null)
            throw TaskQException.usage("--timeout: only with --seq N");
        if (seq != null && (follow || from != null))
            throw TaskQException.usage("--seq: give it without --follow and --from");
        PrintStream out = taskq.out();
        TaskQConfig config = Launch.config(spec);
        try (DataDirectory data = Launch.openExisting(config)) {
            if (seq != null)
                return one(data, out);
            long[] seen = new long[1];
            try (ResultsReader reader = new ResultsReader(data)) {
                for (; ; ) {
                    int n = reader.poll(o -> {
                        seen[0]++;
                        if (from == null || o.seq() >= from)
                            out.println(json ? JsonOutput.line(ResultReport.of(o)) : line(o));
                    });
                    out.flush();
                    if (!follow)
                        return 0;
                    long sealed = data.ledger().sealedCount();
                    if (n == 0 && sealed >= 0 && seen[0] >= sealed)
                        return 0;
                    if (n == 0)
                        LockSupport.parkNanos(FOLLOW_PARK_NANOS);
                }
            }
        }
    }

    private int one(DataDirectory data, PrintStream out) {
        Duration wait = timeout == null ? Duration.ZERO : timeout;
        Optional<TaskOutcome> outcome = ResultsReader.await(data, seq, wait);
        if (outcome.isEmpty())
            throw new TaskQException(TaskQException.EXIT_TIMEOUT, "--seq " + seq + ": no outcome yet"
                    + (wait.isZero() ? "" : " after waiting " + wait.toMillis() + " ms") + " (submitted "
                    + Terminal.count(data.ledger().submitted()) + ")");
        out.println(json ? JsonOutput.line(ResultReport.of(outcome.get())) : line(outcome.get()));
        out.flush();
        return 0;
    }

    /**
     * One outcome on one line: {@code seq 17  ok  slot 2  attempts 1  value 18  payload 8.5  body <text>}. A body that
     * is not UTF-8 is shown as {@code base64:...}; control characters in a text body are escaped, so that each
     * outcome stays on one line.
     */
    static String line(TaskOutcome o) {
        StringBuilder sb = new StringBuilder("seq ").append(o.seq()).append("  ").append(o.status().label())
                .append("  slot ").append(o.slot()).append("  attempts ").append(o.attempts());
        if (o.status() == TaskOutcome.Status.OK)
            sb.append("  value ").append(o.value()).append("  payload ").append(o.payload());
        String text = o.bodyText();
        sb.append(o.status() == TaskOutcome.Status.OK ? "  body " : "  error ");
        return sb.append(text == null ? "base64:" + o.bodyBase64() : escape(text)).toString();
    }

    /** {@code text} with backslash, newline, tab and other control characters escaped. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c))
                        sb.append(String.format("\\u%04x", (int) c));
                    else
                        sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
