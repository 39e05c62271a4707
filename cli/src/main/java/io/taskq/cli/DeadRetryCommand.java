package io.taskq.cli;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DeadLetters;
import io.taskq.common.wire.DeadLetter;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code taskq dead retry (--seq N... | --all) [--data-dir DIR]}: puts dead tasks back into the stream as new tasks,
 * each with the value, payload and body of the dead one (and a new seq and {@code createdNanos}), and records each
 * put-back in the dead-letter queue, which {@code taskq dead} then shows as {@code retried as <new seq>}.
 * {@code --all} takes every dead task not put back yet, oldest first; {@code --seq} the ones named, in that order.
 * <p>
 * Every check comes before the first put, and a refusal (exit 2) puts nothing: a {@code --seq} that is not a dead
 * task, one given twice or one put back already, a body over {@code queue.max-body-bytes}, a sealed stream (puts are
 * refused after a seal). A seq is put back once: a new task that dies too is a dead task of its own, with its own
 * seq, to retry in turn. Each put-back is recorded right after its put, so a failure midway (the stream sealed by
 * another process meanwhile, a full disk) leaves the ones before it recorded; two retries run at the same time are
 * not kept from putting back the same seq.
 */
@Command(name = "retry", sortOptions = false,
        description = "put dead tasks back as new tasks (same value, payload and body; a new seq)")
final class DeadRetryCommand implements Callable<Integer> {
    @Option(names = "--seq", paramLabel = "N", converter = OptionValues.Seq.class,
            description = "the seq of a dead task to put back; repeat for more (--seq 17 --seq 42)")
    private List<Long> seqs = new ArrayList<>();
    @Option(names = "--all", description = "every dead task not put back yet")
    private boolean all;
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
        checkOptions();
        PrintStream out = dead.out();
        TaskQConfig config = Launch.config(spec);
        // Refuses a missing or damaged data directory as status does; the producer would create a missing one.
        Launch.openExisting(config).close();
        ProducerSettings settings = ProducerSettings.from(config);
        try (TaskProducer producer = TaskProducer.open(settings)) {
            DeadLetters deadLetters = producer.data().deadLetters();
            List<DeadLetter> listed = deadLetters.list();
            List<DeadLetter> chosen = all ? notRetried(listed) : named(listed, settings.dataDir());
            if (chosen.isEmpty()) {
                out.println("no dead task to put back in " + settings.dataDir() + " (" + DeadCommand.tasks(
                        listed.size(), "dead task") + (listed.isEmpty() ? "" : ", all put back already") + ")");
                return 0;
            }
            long sealedAt = producer.data().ledger().sealedCount();
            if (sealedAt >= 0)
                throw TaskQException.usage("taskq dead retry: the stream in " + settings.dataDir()
                        + " is sealed at " + Terminal.count(sealedAt) + " tasks, and puts are refused after a seal");
            for (DeadLetter d : chosen)
                if (d.body.length > settings.maxBodyBytes())
                    throw TaskQException.usage("taskq dead retry: seq " + d.seq + " has a body of "
                            + Terminal.count(d.body.length) + " bytes, more than " + Keys.MAX_BODY_BYTES.name() + "="
                            + settings.maxBodyBytes());
            for (int i = 0; i < chosen.size(); i++) {
                DeadLetter d = chosen.get(i);
                long newSeq = put(producer, d, i, chosen.size());
                deadLetters.retried(d.seq, newSeq);
                out.println("seq " + d.seq + " -> new seq " + newSeq);
            }
            out.println("put back " + DeadCommand.tasks(chosen.size(), "dead task") + " as new tasks; "
                    + Terminal.count(producer.submitted()) + " tasks submitted now");
            out.flush();
        }
        return 0;
    }

    /** What picocli cannot check alone: which options go together, and no seq twice. */
    private void checkOptions() {
        if (seqs.isEmpty() == !all)
            throw TaskQException.usage("taskq dead retry: give exactly one of --seq N (repeatable) or --all");
        Set<Long> seen = new HashSet<>();
        for (long seq : seqs)
            if (!seen.add(seq))
                throw TaskQException.usage("taskq dead retry: --seq " + seq + " given twice");
    }

    /** Every dead task not put back yet, oldest first. */
    private static List<DeadLetter> notRetried(List<DeadLetter> listed) {
        return listed.stream().filter(d -> d.retriedAs.length == 0).toList();
    }

    /** The dead tasks {@code --seq} names, in that order; refuses a seq that is not dead or was put back already. */
    private List<DeadLetter> named(List<DeadLetter> listed, Path dir) {
        Map<Long, DeadLetter> bySeq = new LinkedHashMap<>();
        listed.forEach(d -> bySeq.put(d.seq, d));
        List<Long> unknown = seqs.stream().filter(seq -> !bySeq.containsKey(seq)).toList();
        if (!unknown.isEmpty())
            throw TaskQException.usage("taskq dead retry: " + (unknown.size() == 1 ? "seq " : "seqs ")
                    + unknown.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + (unknown.size() == 1 ? " is not a dead task" : " are not dead tasks") + " in " + dir
                    + " (taskq dead lists them)");
        List<DeadLetter> chosen = seqs.stream().map(bySeq::get).toList();
        for (DeadLetter d : chosen)
            if (d.retriedAs.length > 0)
                throw TaskQException.usage("taskq dead retry: seq " + d.seq + " was put back already, as new seq "
                        + Arrays.stream(d.retriedAs).mapToObj(String::valueOf).collect(Collectors.joining(", "))
                        + " (if that one died too, retry it by its own seq)");
        return chosen;
    }

    /**
     * Puts dead task {@code d} back and returns its new seq; a stream sealed meanwhile by another process, or a full
     * disk, is a one-line error that says how many were put back before it ({@code done} of {@code total}).
     */
    private static long put(TaskProducer producer, DeadLetter d, int done, int total) {
        String before = "; " + done + " of " + total + " were put back before that (listed above)";
        try {
            return producer.put(d.value, d.payload, d.body);
        } catch (StreamSealedException sealed) {
            throw TaskQException.usage("taskq dead retry: seq " + d.seq + ": " + sealed.getMessage()
                    + " (sealed by another process)" + before);
        } catch (TaskQException e) {
            throw new TaskQException(e.exitCode(), "taskq dead retry: seq " + d.seq + ": " + e.getMessage() + before,
                    e);
        }
    }
}
