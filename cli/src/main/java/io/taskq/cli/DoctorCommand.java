package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Ledger;
import io.taskq.common.store.Progress;
import io.taskq.common.store.QueueLocks;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.common.store.SlotState;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code taskq doctor [--json] [--data-dir DIR]}: the health of a data directory, without changing it. It lists the
 * files and their sizes, checks them as every command does (see {@link DataDirectory}), then reports the ledger's
 * counters, each used slot's owner (alive or dead), heartbeat age against the lease, orphaned batches, pending claims,
 * and who holds the task queue's write lock.
 * <p>
 * Verdicts and exit codes: {@code healthy} 0; {@code attention} 1 (the files are sound, but work waits on a dead
 * or hung process: an orphaned batch, a live owner whose heartbeat is older than the lease, or a queue lock held by a
 * dead pid); {@code refused} 2 (damaged files, no data
 * directory, unsafe permissions: what every other command would refuse), with that refusal on stderr as one line.
 */
final class DoctorCommand {
    static final String USAGE = """
            usage: taskq doctor [--json] [--data-dir DIR] [--config FILE]
              --json       one JSON object instead of text
            exit codes: 0 healthy, 1 attention (work waits on a dead process), 2 refused (damaged, missing, unsafe)
            """;

    private DoctorCommand() {
    }

    /** One file of the data directory, relative path and size. */
    record FileEntry(String path, long bytes, boolean directory) {
    }

    static int run(String[] args, PrintStream out) {
        Options o = Options.parse("taskq doctor", args, Set.of("data-dir", "config"), Set.of("json", "help"), false);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        TaskQConfig config = Launch.config(o, Launch.dataDirFlag());
        Path dir = config.get(Keys.DATA_DIR);
        long leaseMillis = config.get(Keys.LEASE).toMillis();
        boolean json = o.flag("json");

        List<FileEntry> files = Files.isDirectory(dir) ? files(dir) : List.of();
        DataDirectory data;
        List<QueueLocks.Lock> locks;
        try {
            data = DataDirectory.openExisting(dir, config.get(Keys.ROLL_CYCLE), config.dataDirAccess());
            try {
                locks = QueueLocks.read(dir.resolve(DataDirectory.TASKS));
            } catch (RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (TaskQException e) {
            if (e.exitCode() != TaskQException.EXIT_USAGE)
                throw e;
            out.print(json ? refusedJson(dir, files, e.getMessage()) + "\n" : refusedText(dir, files, e.getMessage()));
            out.flush();
            throw e;
        }
        try (data) {
            Progress progress = Progress.read(data);
            List<String> problems = problems(data, progress, locks, leaseMillis);
            if (json)
                out.println(json(data, files, progress, locks, problems, leaseMillis));
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
                return new FileEntry(dir.relativize(p).toString(), bytes, directory);
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
                problems.add(String.format(Locale.ROOT, "slot %d: orphaned batch, %d claimed tasks from seq %d; owner pid %d is "
                                + "gone and its heartbeat is %ds old (lease %ds)", s.index(), s.inFlight(), s.nextInFlight(),
                        s.pid(), (now - s.heartbeatMillis()) / 1000, leaseMillis / 1000));
        for (SlotSnapshot s : p.slots())
            if (s.alive() && s.state() != SlotState.EXITED && now - s.heartbeatMillis() > leaseMillis)
                problems.add(String.format(Locale.ROOT, "slot %d: owner pid %d runs but its heartbeat is %ds old (lease %ds): "
                        + "hung or stopped?", s.index(), s.pid(), (now - s.heartbeatMillis()) / 1000, leaseMillis / 1000));
        for (QueueLocks.Lock lock : locks)
            if (lock.held() && !lock.alive())
                problems.add("queue " + lock.key() + " held by pid " + lock.pid() + ", which is gone (the next writer "
                        + "takes it over after Chronicle's lock timeout)");
        return problems;
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
        sb.append(String.format(Locale.ROOT, "ledger: ok (schema %d, %d slots); submitted %s, claim cursor %s (last claim by %s), %s%n",
                io.taskq.common.store.Schema.VERSION, data.slots().size(), Terminal.count(p.submitted()),
                Terminal.count(Ledger.claimPosition(cursor)),
                Ledger.claimOwner(cursor) < 0 ? "nobody" : "slot " + Ledger.claimOwner(cursor),
                p.sealed() ? "sealed at " + Terminal.count(p.sealedCount()) : "not sealed"));
        sb.append("results.cm3: ok (every slot's magic, version, index and figure checksums)\n");
        if (locks.isEmpty())
            sb.append("queue locks: no queue yet\n");
        for (QueueLocks.Lock lock : locks)
            sb.append("queue ").append(lock.key()).append(": ")
                    .append(lock.held() ? "held by pid " + lock.pid() + (lock.alive() ? " (alive)" : " (dead)") : "free")
                    .append('\n');
        long now = System.currentTimeMillis();
        sb.append("slots (lease ").append(leaseMillis / 1000.0).append("s):");
        if (p.slots().isEmpty())
            sb.append(" none used yet");
        sb.append('\n');
        for (SlotSnapshot s : p.slots())
            sb.append(String.format(Locale.ROOT, "  slot %d: %s, owner pid %d %s, heartbeat %.1fs ago, %s%s%n", s.index(),
                    s.state(), s.pid(), s.alive() ? "alive" : "dead or released", (now - s.heartbeatMillis()) / 1000.0,
                    s.inFlight() == 0 ? "nothing in flight" : s.inFlight() + " tasks in flight from seq " + s.nextInFlight(),
                    StatusCommand.orphaned(s, leaseMillis) ? ", ORPHANED" : ""));
        List<String> pending = pendingClaims(data);
        sb.append("pending claims: ").append(pending.isEmpty() ? "none" : String.join(", ", pending)).append('\n');
        sb.append("\n").append(StatusCommand.text(data, p, StatusCommand.Rates.NONE, leaseMillis)).append('\n');
        for (String problem : problems)
            sb.append("problem: ").append(problem).append('\n');
        sb.append("verdict: ").append(verdict(problems))
                .append(problems.isEmpty() ? "" : " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ")")
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

    private static Json filesJson(Json j, List<FileEntry> files) {
        j.beginArray("files");
        for (FileEntry f : files)
            j.begin().field("path", f.path()).field("directory", f.directory()).field("bytes", f.bytes()).end();
        return j.endArray();
    }

    static String refusedJson(Path dir, List<FileEntry> files, String message) {
        Json j = new Json().begin().field("dataDir", dir.toString()).field("verdict", "refused");
        j.beginArray("problems").value(message).endArray();
        return filesJson(j, files).end().toString();
    }

    static String json(DataDirectory data, List<FileEntry> files, Progress p, List<QueueLocks.Lock> locks,
                       List<String> problems, long leaseMillis) {
        Json j = new Json().begin().field("dataDir", data.dir().toString()).field("verdict", verdict(problems));
        j.beginArray("problems");
        problems.forEach(j::value);
        j.endArray();
        filesJson(j, files);
        j.field("leaseMillis", leaseMillis);
        j.beginArray("queueLocks");
        for (QueueLocks.Lock lock : locks)
            j.begin().field("key", lock.key()).field("held", lock.held()).field("pid", lock.pid())
                    .field("alive", lock.alive()).end();
        j.endArray();
        j.beginArray("pendingClaims");
        pendingClaims(data).forEach(j::value);
        j.endArray();
        j.beginObject("status");
        StatusCommand.fields(j, data, p, StatusCommand.Rates.NONE, leaseMillis).end();
        return j.end().toString();
    }
}
