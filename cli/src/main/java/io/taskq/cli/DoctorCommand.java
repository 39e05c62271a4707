package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Ledger;
import io.taskq.common.store.Progress;
import io.taskq.common.store.QueueLocks;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.common.store.SlotState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code taskq doctor [--json] [--data-dir DIR]}: the health of a data directory, without changing it. It lists the
 * files and their sizes, checks them as every command does (see {@link DataDirectory}), then reports the ledger's
 * counters, each used slot's owner (alive or dead), heartbeat age against the lease, orphaned batches, pending claims,
 * and who holds the task queue's write lock. It says how many tasks are dead and how many wait to retry; neither
 * changes the verdict, because a dead task is its handler's outcome, recorded in sound files, not damage.
 * <p>
 * Verdicts and exit codes: {@code healthy} 0; {@code attention} 1 (the files are sound, but work waits on a dead
 * or hung process: an orphaned slot, whose claimed batch or tasks waiting to retry no process will handle until a
 * consumer adopts them; a live owner whose heartbeat is older than the lease; or a queue lock held by a dead pid);
 * {@code refused} 2 (damaged files, no data directory, unsafe permissions: what every other command would refuse),
 * with that refusal on stderr as one line.
 */
@Command(name = "doctor", sortOptions = false,
        description = "check a data directory's files, owners, locks and orphaned batches (--json)",
        footer = {"", "Exit codes: 0 healthy, 1 attention (work waits on a dead process), 2 refused (damaged, missing, "
                + "unsafe)."})
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object instead of text")
    private boolean json;
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

    /** One file of the data directory, relative path and size ({@code -1}: unreadable); a JSON entry of files. */
    record FileEntry(String path, boolean directory, long bytes) {
    }

    /** One of the task queue's locks; a JSON entry of queueLocks. */
    record LockEntry(String key, boolean held, long pid, boolean alive) {
    }

    /** What {@code doctor --json} prints for a directory it could open; field names and order are fixed. */
    record Report(String dataDir, String verdict, List<String> problems, List<FileEntry> files, long leaseMillis,
                  List<LockEntry> queueLocks, List<String> pendingClaims, StatusReport status) {
    }

    /** What {@code doctor --json} prints for a directory every command would refuse. */
    record Refused(String dataDir, String verdict, List<String> problems, List<FileEntry> files) {
    }

    @Override
    public Integer call() {
        PrintStream out = taskq.out();
        TaskQConfig config = Launch.config(spec);
        Path dir = config.get(Keys.DATA_DIR);
        long leaseMillis = config.get(Keys.LEASE).toMillis();

        List<FileEntry> files = Files.isDirectory(dir) ? files(dir) : List.of();
        DataDirectory data;
        List<QueueLocks.Lock> locks;
        try {
            data = Launch.openExisting(config, dir);
            try {
                locks = QueueLocks.read(dir.resolve(DataDirectory.TASKS));
            } catch (RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (TaskQException e) {
            if (e.exitCode() != TaskQException.EXIT_USAGE)
                throw e;
            out.print(json
                    ? JsonOutput.line(new Refused(dir.toString(), "refused", List.of(e.getMessage()), files)) + "\n"
                    : refusedText(dir, files, e.getMessage()));
            out.flush();
            throw e;
        }
        try (data) {
            Progress progress = Progress.read(data);
            List<String> problems = problems(data, progress, locks, leaseMillis);
            if (json)
                out.println(JsonOutput.line(report(data, files, progress, locks, problems, leaseMillis)));
            else
                out.print(text(data, files, progress, locks, problems, leaseMillis));
            return problems.isEmpty() ? 0 : TaskQException.EXIT_FAILED;
        }
    }

    /** Every file and directory under {@code dir}, sorted by relative path. */
    static List<FileEntry> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).sorted().map(p -> {
                boolean directory = Files.isDirectory(p);
                long bytes;
                try {
                    bytes = directory ? 0 : Files.size(p);
                } catch (IOException e) {
                    bytes = -1;
                }
                return new FileEntry(dir.relativize(p).toString(), directory, bytes);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What needs attention in a directory whose files are sound; empty when healthy. */
    static List<String> problems(DataDirectory data, Progress p, List<QueueLocks.Lock> locks, long leaseMillis) {
        List<String> problems = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (SlotSnapshot s : p.slots())
            if (StatusCommand.orphaned(s, leaseMillis))
                problems.add(String.format(Locale.ROOT, "slot %d: %s; owner pid %d is gone and its heartbeat is %ds "
                                + "old (lease %ds)", s.index(), orphaned(s), s.pid(),
                        (now - s.heartbeatMillis()) / 1000, leaseMillis / 1000));
        problems.addAll(StatusCommand.stoppedOwners(p, leaseMillis));
        for (SlotSnapshot s : p.slots())
            if (s.alive() && s.state() != SlotState.EXITED && now - s.heartbeatMillis() > leaseMillis
                    && !StatusCommand.frozen(s, leaseMillis) && !s.fenced())
                problems.add(String.format(Locale.ROOT, "slot %d: owner pid %d runs but its heartbeat is %ds old "
                                + "(lease %ds): hung or stopped?", s.index(), s.pid(),
                        (now - s.heartbeatMillis()) / 1000, leaseMillis / 1000));
        for (QueueLocks.Lock lock : locks)
            if (lock.held() && !lock.alive())
                problems.add("queue " + lock.key() + " held by pid " + lock.pid() + ", which is gone (the next writer "
                        + "takes it over after Chronicle's lock timeout)");
        return problems;
    }

    /** What an orphaned slot left undone: its batch first, in the words doctor always used for it, then the rest. */
    private static String orphaned(SlotSnapshot s) {
        String besides = String.join(" and ", StatusCommand.workBesidesTheBatch(s));
        if (s.inFlight() == 0)
            return "orphaned " + besides;
        return "orphaned batch, " + s.inFlight() + " claimed tasks from seq " + s.nextInFlight()
                + (besides.isEmpty() ? "" : ", and " + besides);
    }

    /** Claims a consumer recorded but had not yet confirmed: the claim cursor CAS may or may not have happened. */
    private static List<String> pendingClaims(DataDirectory data) {
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < data.slots().size(); i++) {
            ResultSlot slot = data.slots().slot(i);
            long word = slot.claimWord();
            if (ResultSlot.claimStatus(word) == ResultSlot.CLAIM_PENDING)
                pending.add("slot " + i + " [" + slot.claimLo() + ", " + ResultSlot.claimHi(word) + ")");
        }
        return pending;
    }

    static String verdict(List<String> problems) {
        return problems.isEmpty() ? "healthy" : "attention";
    }

    static String text(DataDirectory data, List<FileEntry> files, Progress p, List<QueueLocks.Lock> locks,
                       List<String> problems, long leaseMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("TaskQ doctor: ").append(data.dir()).append('\n');
        filesText(sb, files);
        long cursor = data.ledger().claimCursor();
        sb.append(String.format(Locale.ROOT,
                "ledger: ok (schema %d, %d slots); submitted %s, claim cursor %s (last claim by %s), %s%n",
                io.taskq.common.store.Schema.VERSION, data.slots().size(), Terminal.count(p.submitted()),
                Terminal.count(Ledger.claimPosition(cursor)),
                Ledger.claimOwner(cursor) < 0 ? "nobody" : "slot " + Ledger.claimOwner(cursor),
                p.sealed() ? "sealed at " + Terminal.count(p.sealedCount()) : "not sealed"));
        sb.append("results.cm3: ok (every slot's magic, version, index and figure checksums)\n");
        if (locks.isEmpty())
            sb.append("queue locks: no queue yet\n");
        for (QueueLocks.Lock lock : locks)
            sb.append("queue ").append(lock.key()).append(": ")
                    .append(lock.held()
                            ? "held by pid " + lock.pid() + (lock.alive() ? " (alive)" : " (dead)")
                            : "free")
                    .append('\n');
        long now = System.currentTimeMillis();
        sb.append("slots (lease ").append(leaseMillis / 1000.0).append("s):");
        if (p.slots().isEmpty())
            sb.append(" none used yet");
        sb.append('\n');
        for (SlotSnapshot s : p.slots())
            sb.append(String.format(Locale.ROOT, "  slot %d: %s, owner pid %d %s, heartbeat %.1fs ago, %s%s%s%n",
                    s.index(),
                    s.state(), s.pid(), s.alive() ? "alive" : "dead or released", (now - s.heartbeatMillis()) / 1000.0,
                    s.inFlight() == 0
                            ? "nothing in flight"
                            : s.inFlight() + " tasks in flight from seq " + s.nextInFlight(),
                    s.retrying() == 0 ? "" : ", " + s.retrying() + " tasks waiting to retry",
                    StatusCommand.orphaned(s, leaseMillis) ? ", ORPHANED"
                            : StatusCommand.frozen(s, leaseMillis) ? ", STOPPED"
                            : s.fenced() ? ", TAKEN OVER (fenced)" : ""));
        List<String> pending = pendingClaims(data);
        sb.append("pending claims: ").append(pending.isEmpty() ? "none" : String.join(", ", pending)).append('\n');
        // Dead tasks are an outcome, not damage: reported here, never a problem that changes the verdict.
        if (p.dead() > 0)
            sb.append("dead tasks: ").append(Terminal.count(p.dead()))
                    .append(" failed on their last attempt (taskq dead lists them)\n");
        if (p.retrying() > 0)
            sb.append("retries: ").append(Terminal.count(p.retrying()))
                    .append(" tasks wait in backoff for another attempt\n");
        sb.append("\n").append(StatusCommand.text(data, p, StatusCommand.Rates.NONE, leaseMillis)).append('\n');
        for (String problem : problems)
            sb.append("problem: ").append(problem).append('\n');
        sb.append("verdict: ").append(verdict(problems))
                .append(problems.isEmpty() ? ""
                        : " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ")")
                .append('\n');
        return sb.toString();
    }

    private static void filesText(StringBuilder sb, List<FileEntry> files) {
        sb.append("files:\n");
        if (files.isEmpty())
            sb.append("  (none)\n");
        for (FileEntry f : files)
            sb.append(String.format(Locale.ROOT, "  %-32s %s%n", f.directory() ? f.path() + "/" : f.path(),
                    f.directory() ? "" : f.bytes() < 0 ? "unreadable" : Terminal.count(f.bytes()) + " bytes"));
    }

    static String refusedText(Path dir, List<FileEntry> files, String message) {
        StringBuilder sb = new StringBuilder();
        sb.append("TaskQ doctor: ").append(dir).append('\n');
        filesText(sb, files);
        sb.append("verdict: refused: ").append(message).append('\n');
        return sb.toString();
    }

    static Report report(DataDirectory data, List<FileEntry> files, Progress p, List<QueueLocks.Lock> locks,
                         List<String> problems, long leaseMillis) {
        List<LockEntry> lockEntries = locks.stream()
                .map(l -> new LockEntry(l.key(), l.held(), l.pid(), l.alive())).toList();
        return new Report(data.dir().toString(), verdict(problems), problems, files, leaseMillis, lockEntries,
                pendingClaims(data), StatusReport.of(data, p, StatusCommand.Rates.NONE, leaseMillis));
    }
}
