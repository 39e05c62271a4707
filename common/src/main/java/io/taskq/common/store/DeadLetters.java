package io.taskq.common.store;

import io.taskq.common.TaskQException;
import io.taskq.common.wire.DeadLetter;
import io.taskq.common.wire.DeadLetterEvents;
import io.taskq.common.wire.DeadPurged;
import io.taskq.common.wire.DeadRetried;
import net.openhft.chronicle.bytes.MethodReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Marshallable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The dead-letter queue, {@code dead/} in the data directory: a Chronicle Queue of {@link DeadLetterEvents}. Any
 * consumer appends; Chronicle's write lock orders them. Counting a dead task is the slot's job (exactly once, with
 * the slot's figures); this queue holds what the task was and why it died, and each record is written exactly once
 * through {@link #containsRecord}: a slot announces a dead letter in its figures before it appends it, and whoever
 * finishes a killed slot's work appends it only if it is not there yet.
 * <p>
 * <b>The dead-letter lock.</b> Every process works on the queue holding a file lock on {@value #LOCK_FILE} in the data
 * directory (and, among the threads of one process, the lock of {@link #IN_PROCESS}), because Chronicle Queue does not
 * recover by itself, in time, from a writer killed while it created a cycle file. Chronicle creates a cycle file under
 * its write lock and writes the file's first header last; a writer killed before that leaves the header unfinished
 * for good. Every reader of that cycle then waits Chronicle's timeout (10 to 12 s) for the header and gives up, and
 * so does every new appender, which waits inside its constructor while it holds the write lock; its first append waits
 * once more, still holding the lock, before it moves the file aside. A consumer that needs the write lock meanwhile
 * gives up after 15 to 18 s, because the holder is alive, and stops. A kill at that moment hands the same wait to the
 * next appender. The OS drops a file lock when its holder dies, so under the dead-letter lock no other process is
 * inside Chronicle: a cycle file whose first header is unfinished was left by a dead creator, and is deleted (it
 * holds no dead letter: Chronicle writes none into a file before its header is finished); a write lock still held is
 * a dead writer's, and is taken over at once instead of after Chronicle's lock timeout.
 * <p>
 * Thread-safe; each thread appends through its own Chronicle appender.
 */
public final class DeadLetters implements Closeable {
    public static final String DIR = "dead";
    /** The file, in the data directory, that every process locks while it works on {@code dead/}. */
    static final String LOCK_FILE = ".dead.lock";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /**
     * The dead-letter lock among the threads of this process, one per queue directory: a file lock belongs to the
     * process, and the JVM refuses a second one on the same file while the first is held.
     */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path lockFile;
    private final RollCycles rollCycle;
    private final DataDirAccess access;
    private final ReentrantLock inProcess;
    /** Cycle files seen with their first header finished, which stays so; under the dead-letter lock. */
    private final Set<String> finishedCycles = new HashSet<>();
    /** Whether this thread has its appender, so that {@link #warm} takes no lock again. */
    private final ThreadLocal<Boolean> warmed = new ThreadLocal<>();
    private SingleChronicleQueue queue;
    /** Chronicle's write lock word, seen from outside the queue, to take over a dead writer's lock. */
    private TableStoreWriteLock writeLock;
    /** The queue's cycle file names, found without opening them. */
    private QueueRetention.CycleFiles cycleFiles;
    /** A cycle whose file was seen finished, with every file before it; under the dead-letter lock. */
    private int checkedCycle = Integer.MIN_VALUE;

    DeadLetters(Path dataDir, RollCycles rollCycle, DataDirAccess access) {
        this.dir = dataDir.resolve(DIR);
        this.lockFile = dataDir.resolve(LOCK_FILE);
        this.rollCycle = rollCycle;
        this.access = access;
        this.inProcess = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
    }

    public Path dir() {
        return dir;
    }

    private synchronized SingleChronicleQueue queue() {
        if (queue == null) {
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    access.directoryCreated(dir);
                }
                queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(rollCycle).build();
                // Never taken, so its pauser and timeout go unused: it only clears a dead writer's word.
                writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::sleepy, 0L);
                cycleFiles = new QueueRetention.CycleFiles(queue);
            } catch (IOException | RuntimeException e) {
                throw new TaskQException(TaskQException.EXIT_USAGE, dir + ": cannot open the dead-letter queue ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
        }
        return queue;
    }

    /**
     * Appends one dead letter. Written as Chronicle's method writer for {@link DeadLetterEvents} would write it (the
     * event name, then the fields), but straight through a document: a method writer's class is generated and
     * compiled at run time, which took a second on the first dead letter of each consumer. That append must be quick:
     * a kill between counting a task dead and appending its letter loses the error (the letter is written later
     * without it).
     */
    public void append(DeadLetter letter) {
        write("dead", letter);
    }

    /**
     * Opens the queue and its appender for this thread, if not done yet, so that the next {@link #append} is quick.
     * A consumer calls it at its first failure, before anything is announced.
     */
    public void warm() {
        if (warmed.get() != null)
            return;
        exclusively(() -> queue().acquireAppender());
        warmed.set(Boolean.TRUE);
    }

    private void write(String event, Marshallable m) {
        exclusively(() -> {
            try (DocumentContext dc = queue().acquireAppender().writingDocument()) {
                dc.wire().write(event).marshallable(m);
            }
            return null;
        });
    }

    /**
     * Runs {@code work} on the queue holding the dead-letter lock (see the class comment), after clearing up what a
     * process killed inside Chronicle left behind.
     */
    private <T> T exclusively(Supplier<T> work) {
        inProcess.lock();
        // The channel is opened for each use and closed after it: closing any channel of a file drops every lock
        // this process holds on it, so no channel stays open past its own lock.
        try (FileChannel channel = access.openLockFile(lockFile); FileLock ignored = channel.lock()) {
            SingleChronicleQueue q = queue();
            clearUpAfterKilledWriters(q);
            return work.get();
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, lockFile + ": cannot lock the dead-letter queue ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            inProcess.unlock();
        }
    }


    /**
     * Holding the dead-letter lock, so with no other process inside Chronicle: takes over the write lock of a dead
     * writer, and deletes each cycle file whose first header is unfinished (its creator was killed; see the class
     * comment). Only files not yet seen finished are read.
     */
    private void clearUpAfterKilledWriters(SingleChronicleQueue q) {
        writeLock.forceUnlockIfProcessIsDead();
        // A finished header stays finished, and writers create the file of the cycle they are in: once the current
        // cycle's file has been seen finished, nothing is left to check (no listing, which would make every letter
        // cost ten times as much) until this process's cycle changes or another process creates a later file.
        int current = q.cycle();
        if (current == checkedCycle && q.lastCycle() <= current)
            return;
        boolean deleted = false;
        for (Path cycle : QueueFiles.cycleFiles(dir)) {
            String name = cycle.getFileName().toString();
            if (finishedCycles.contains(name))
                continue;
            try {
                if (QueueFiles.firstHeaderFinished(cycle)) {
                    finishedCycles.add(name);
                    continue;
                }
                Files.deleteIfExists(cycle);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new TaskQException(TaskQException.EXIT_USAGE, cycle + ": cannot check or delete this cycle file "
                        + "of the dead-letter queue (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
            deleted = true;
            LOG.warn("{}: deleted cycle file {}, whose creator was killed before it finished the file's header "
                    + "(the file held no dead letter)", dir, name);
        }
        if (deleted)
            q.refreshDirectoryListing();
        else if (finishedCycles.contains(cycleFiles.of(current).getName()))
            checkedCycle = current;
    }

    /** Records that dead task {@code seq} was put back as task {@code newSeq}. */
    public void retried(long seq, long newSeq) {
        DeadRetried r = new DeadRetried();
        r.seq = seq;
        r.newSeq = newSeq;
        r.atMillis = System.currentTimeMillis();
        write("retried", r);
    }

    /** Hides every dead letter written so far from {@link #list}. */
    public void purge() {
        DeadPurged p = new DeadPurged();
        p.atMillis = System.currentTimeMillis();
        write("purged", p);
    }

    /**
     * True if slot {@code slot}'s dead letter number {@code serial} is in the queue. Reads backwards from the end and
     * stops at the first record of that slot with a lower serial (a slot appends its records in serial order), so it
     * reads only what was appended since. Recovery only; not fast.
     */
    public boolean containsRecord(int slot, long serial) {
        if (!Files.isDirectory(dir))
            return false;
        boolean[] found = new boolean[1];
        boolean[] older = new boolean[1];
        // A new tailer reads the first cycle file, so under the lock; its method reader outside it, because the first
        // one of a process compiles a class (seconds on a busy machine).
        try (ExcerptTailer tailer = exclusively(() -> queue().createTailer())) {
            MethodReader reader = tailer.methodReader(new Events() {
                @Override
                public void dead(DeadLetter letter) {
                    if (letter.slot == slot) {
                        found[0] |= letter.serial == serial;
                        older[0] |= letter.serial < serial;
                    }
                }
            });
            // Read under the lock: a cycle file whose creator is killed while this reads would make Chronicle's toEnd
            // give up and wind to the start, and the letter looked for would seem missing.
            return exclusively(() -> {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                while (!found[0] && !older[0] && reader.readOne()) {
                    // read backwards until decided
                }
                return found[0];
            });
        }
    }

    /**
     * Every dead letter since the last purge, in the order they died, with the seqs they were retried as. Re-reads
     * the queue.
     */
    public List<DeadLetter> list() {
        if (!Files.isDirectory(dir))
            return List.of();
        // Clears up under the lock, then reads without it, so that a long listing holds up no consumer's append.
        SingleChronicleQueue q = exclusively(this::queue);
        Map<Long, DeadLetter> bySeq = new LinkedHashMap<>();
        try (ExcerptTailer tailer = q.createTailer()) {
            MethodReader reader = tailer.methodReader(new Events() {
                @Override
                public void dead(DeadLetter letter) {
                    bySeq.put(letter.seq, letter.deepCopy()); // the reader reuses its argument
                }

                @Override
                public void retried(DeadRetried retried) {
                    DeadLetter letter = bySeq.get(retried.seq);
                    if (letter != null) {
                        letter.retriedAs = Arrays.copyOf(letter.retriedAs, letter.retriedAs.length + 1);
                        letter.retriedAs[letter.retriedAs.length - 1] = retried.newSeq;
                    }
                }

                @Override
                public void purged(DeadPurged purged) {
                    bySeq.clear();
                }
            });
            while (reader.readOne()) {
                // read all
            }
        }
        return new ArrayList<>(bySeq.values());
    }

    /** Ignores every event; readers override the ones they need. */
    private abstract static class Events implements DeadLetterEvents {
        @Override
        public void dead(DeadLetter letter) {
        }

        @Override
        public void retried(DeadRetried retried) {
        }

        @Override
        public void purged(DeadPurged purged) {
        }
    }

    @Override
    public synchronized void close() {
        if (queue != null) {
            writeLock.close();
            queue.close();
        }
    }
}
