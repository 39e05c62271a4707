package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One TaskQ data directory and the three things in it: the task queue ({@code tasks/}), the results map
 * ({@code results.cm3}) and the {@code ledger}. Creating a directory is serialised across processes by a file
 * lock on {@code .init.lock}; the ledger is written last, so its presence means the directory is complete.
 * <p>
 * Opening validates everything before anything is written: schema version, magic numbers, slot count. Errors are
 * {@link TaskQException}s with exit code 2 whose message names the file.
 */
public final class DataDirectory implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    public static final String LEDGER = "ledger";
    public static final String RESULTS = "results.cm3";
    public static final String TASKS = "tasks";
    private static final String INIT_LOCK = ".init.lock";

    private final Path dir;
    private final Ledger ledger;
    private final SlotTable slots;
    private final RollCycles rollCycle;
    private final DeadLetters deadLetters;
    private final ResultsLog results;
    private final DataDirAccess access;
    private SingleChronicleQueue queue;

    private DataDirectory(Path dir, Ledger ledger, SlotTable slots, RollCycles rollCycle, DataDirAccess access) {
        this.dir = dir;
        this.ledger = ledger;
        this.slots = slots;
        this.rollCycle = rollCycle;
        this.deadLetters = new DeadLetters(dir, rollCycle, access);
        this.results = new ResultsLog(dir, slots.size(), rollCycle, access);
        this.access = access;
    }

    /** {@link #openOrCreate(Path, int, RollCycles, DataDirAccess)} with the default access: owner only. */
    public static DataDirectory openOrCreate(Path dir, int slots, RollCycles rollCycle) {
        return openOrCreate(dir, slots, rollCycle, DataDirAccess.DEFAULT);
    }

    /**
     * Opens the directory, creating it (with {@code slots} result slots) if it holds no TaskQ data yet. What it creates
     * gets the permissions of {@code access}; an existing directory is refused if {@code access} does not accept its
     * permissions (see {@link DataDirAccess}).
     */
    public static DataDirectory openOrCreate(Path dir, int slots, RollCycles rollCycle, DataDirAccess access) {
        access.checkProcess(dir);
        boolean existed = Files.isDirectory(dir);
        try {
            Files.createDirectories(dir);
            if (!existed)
                access.directoryCreated(dir);
        } catch (IOException e) {
            throw TaskQException.usage("data directory " + dir + ": cannot create it (" + describe(e) + ")");
        }
        access.check(dir);
        requireWritable(dir);
        Path ledgerFile = dir.resolve(LEDGER);
        if (!Files.exists(ledgerFile)) {
            Path initLock = dir.resolve(INIT_LOCK);
            try (FileChannel lockFile = FileChannel.open(initLock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.exists(ledgerFile)) {
                    if (Files.exists(dir.resolve(RESULTS)))
                        throw TaskQException.usage("data directory " + dir + ": " + RESULTS + " exists but " + LEDGER
                                + " is missing (damaged or half-created); move it aside or use a fresh --data-dir");
                    LOG.info("Creating TaskQ data directory {} with {} result slots (schema version {}, "
                            + "permissions {})", dir, slots, Schema.VERSION, access.group() ? "group" : "owner");
                    access.fileCreated(initLock);
                    Path tasks = dir.resolve(TASKS);
                    if (!Files.exists(tasks)) {
                        Files.createDirectory(tasks);
                        access.directoryCreated(tasks);
                    }
                    SlotTable.create(dir.resolve(RESULTS), slots).close();
                    access.fileCreated(dir.resolve(RESULTS));
                    Ledger.create(ledgerFile, slots, Files.size(dir.resolve(RESULTS)), access);
                }
            } catch (IOException e) {
                throw TaskQException.usage("data directory " + dir + ": cannot initialise it (" + describe(e) + ")");
            }
        }
        return open(dir, rollCycle, access);
    }

    /** {@link #openExisting(Path, RollCycles, DataDirAccess)} with the default access: owner only. */
    public static DataDirectory openExisting(Path dir, RollCycles rollCycle) {
        return openExisting(dir, rollCycle, DataDirAccess.DEFAULT);
    }

    /** Opens a directory that must already hold TaskQ data; never creates or changes anything while validating. */
    public static DataDirectory openExisting(Path dir, RollCycles rollCycle, DataDirAccess access) {
        if (!Files.isDirectory(dir))
            throw TaskQException.usage("data directory " + dir
                    + ": does not exist (start a producer or consumer first, or pass --data-dir)");
        if (!Files.exists(dir.resolve(LEDGER)))
            throw TaskQException.usage("data directory " + dir + ": no " + LEDGER + " file, so no TaskQ data here");
        return open(dir, rollCycle, access);
    }

    /**
     * Validates the ledger, then the results map's header and the queue directory, and only then hands the map to
     * Chronicle Map, whose own reaction to damage is to wait, re-format or fail deep inside.
     */
    private static DataDirectory open(Path dir, RollCycles rollCycle, DataDirAccess access) {
        access.check(dir);
        Ledger ledger = Ledger.open(dir.resolve(LEDGER));
        try {
            ResultsMapFile.check(dir.resolve(RESULTS), ledger.resultsLength());
            QueueFiles.check(dir.resolve(TASKS));
            SlotTable slots = SlotTable.open(dir.resolve(RESULTS), ledger.slots());
            return new DataDirectory(dir, ledger, slots, rollCycle, access);
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /** Fails unless this process can create files in {@code dir}. */
    public static void requireWritable(Path dir) {
        if (!Files.isWritable(dir))
            throw TaskQException.usage("data directory " + dir + ": not writable by this user");
        try {
            Files.delete(Files.createTempFile(dir, ".write-probe-", ""));
        } catch (IOException e) {
            throw TaskQException.usage("data directory " + dir + ": not writable (" + describe(e) + ")");
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public Path dir() {
        return dir;
    }

    /** The permissions this directory was opened with, for files created in it later. */
    DataDirAccess access() {
        return access;
    }

    public Ledger ledger() {
        return ledger;
    }

    public SlotTable slots() {
        return slots;
    }

    /** The dead-letter queue, {@code dead/}; created on the first dead letter. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /** The results log, {@code results/}: one queue per slot, each created on its first record. */
    public ResultsLog results() {
        return results;
    }

    /**
     * The task queue, opened on first use. The queue's files are created lazily by the first append.
     *
     * @throws TaskQException (exit 2) naming {@code tasks/} if Chronicle Queue cannot open it
     */
    public synchronized SingleChronicleQueue queue() {
        if (queue == null) {
            Path tasks = dir.resolve(TASKS);
            try {
                queue = SingleChronicleQueueBuilder.binary(tasks.toFile())
                        .rollCycle(rollCycle)
                        .timeProvider(new QueueClock())
                        .build();
            } catch (RuntimeException e) {
                String detail = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
                throw new TaskQException(TaskQException.EXIT_USAGE, tasks + ": Chronicle Queue cannot open it ("
                        + e.getClass().getSimpleName() + detail + ")", e);
            }
        }
        return queue;
    }

    /**
     * The task queue's clock, which Chronicle reads in every {@code writingDocument}: right after one, its
     * {@link QueueClock#lastNanos()} is the moment of that append.
     */
    public QueueClock queueClock() {
        return (QueueClock) queue().time();
    }

    @Override
    public synchronized void close() {
        if (queue != null)
            queue.close();
        deadLetters.close();
        results.close();
        slots.close();
        ledger.close();
    }
}
