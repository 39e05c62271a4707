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
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Marshallable;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter queue, {@code dead/} in the data directory: a Chronicle Queue of {@link DeadLetterEvents}. Any
 * consumer appends; Chronicle's write lock orders them. Counting a dead task is the slot's job (exactly once, with
 * the slot's figures); this queue holds what the task was and why it died, and each record is written exactly once
 * through {@link #containsRecord}: a slot announces a dead letter in its figures before it appends it, and whoever
 * finishes a killed slot's work appends it only if it is not there yet.
 * <p>
 * Thread-safe for appends (Chronicle appenders are per thread); reads make their own tailers.
 */
public final class DeadLetters implements Closeable {
    public static final String DIR = "dead";

    private final Path dir;
    private final RollCycles rollCycle;
    private final DataDirAccess access;
    private SingleChronicleQueue queue;

    DeadLetters(Path dataDir, RollCycles rollCycle, DataDirAccess access) {
        this.dir = dataDir.resolve(DIR);
        this.rollCycle = rollCycle;
        this.access = access;
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
        queue().acquireAppender();
    }

    private void write(String event, Marshallable m) {
        try (DocumentContext dc = queue().acquireAppender().writingDocument()) {
            dc.wire().write(event).marshallable(m);
        }
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
        try (ExcerptTailer tailer = queue().createTailer()) {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            MethodReader reader = tailer.methodReader(new Events() {
                @Override
                public void dead(DeadLetter letter) {
                    if (letter.slot == slot) {
                        found[0] |= letter.serial == serial;
                        older[0] |= letter.serial < serial;
                    }
                }
            });
            while (!found[0] && !older[0] && reader.readOne()) {
                // read backwards until decided
            }
        }
        return found[0];
    }

    /**
     * Every dead letter since the last purge, in the order they died, with the seqs they were retried as. Re-reads
     * the queue.
     */
    public List<DeadLetter> list() {
        if (!Files.isDirectory(dir))
            return List.of();
        Map<Long, DeadLetter> bySeq = new LinkedHashMap<>();
        try (ExcerptTailer tailer = queue().createTailer()) {
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
        if (queue != null)
            queue.close();
    }
}
