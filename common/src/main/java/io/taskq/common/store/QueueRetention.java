package io.taskq.common.store;

import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;

/**
 * Deletes old roll-cycle files of {@code tasks/} that nobody needs any more ({@code queue.keep-cycles}).
 * <p>
 * A cycle file may go only when all of these hold:
 * <ul>
 *   <li>every task in it is done: the next cycle that holds an excerpt starts at a seq at or below the done
 *       watermark ({@link Progress#watermark()}: every seq below it is done, which covers unfinished batches of live,
 *       dead and restarting consumers, and so anything a pending join waits for; joins themselves read only the ledger
 *       and the slots);</li>
 *   <li>no live consumer's tailer is in it or before it ({@link ResultSlot#readerCycle()});</li>
 *   <li>it is not among the newest {@code keepCycles} files, and a later file holds an excerpt: so the current cycle
 *       and the newest excerpt, which a producer's start-up repair reads, always stay.</li>
 * </ul>
 * Files are deleted oldest first and only as a prefix, so the queue never has holes. A process that still has a deleted
 * file mapped keeps reading it (Linux frees it with the last mapping); the queue's shared directory listing is
 * refreshed afterwards, and Chronicle's tailers refresh it themselves when a file they expected is gone.
 * <p>
 * One pruner at a time: a prune holds the data directory's {@link RetentionLock} while it reads and deletes cycle
 * files, because Chronicle re-creates, empty, a file it opens just as someone else deletes it. A file without a store
 * header (one that was re-created so by a reader outside retention) holds no excerpt: it is skipped when looking for
 * the next excerpt and deleted in its turn. Files are found by name, never opened to learn their path.
 * <p>
 * The inputs only move one way while this runs (the watermark and the tailers' cycles grow; the queue only gains
 * cycles at its end), and each is read before it is used, so a new put or a commit can only make this keep more than
 * it could have deleted.
 * <p>
 * Not thread-safe: one per pruning thread.
 */
public final class QueueRetention {
    private static final Logger LOG = LoggerFactory.getLogger(QueueRetention.class);

    /** {@code queue.keep-cycles=all}: keep every cycle file. */
    public static final int KEEP_ALL_CYCLES = 0;

    /**
     * How long a prune waits for another one to finish. A prune takes milliseconds; one that held the lock this long
     * is stuck, and this prune is then left to the next roll rather than stall a consumer or a producer.
     */
    static final Duration LOCK_WAIT = Duration.ofSeconds(1);

    private final DataDirectory data;
    private final int keepCycles;
    private final ExcerptReader excerpts = new ExcerptReader();
    private final QueuedTask task = new QueuedTask();

    /**
     * @param keepCycles newest cycle files always kept (at least 1), or {@link #KEEP_ALL_CYCLES} to keep every file
     */
    public QueueRetention(DataDirectory data, int keepCycles) {
        if (keepCycles < 0)
            throw new IllegalArgumentException("keepCycles " + keepCycles + " < 0");
        this.data = data;
        this.keepCycles = keepCycles;
    }

    /** True unless configured to keep every file. */
    public boolean enabled() {
        return keepCycles != KEEP_ALL_CYCLES;
    }

    /**
     * Deletes the cycle files that may go (see the class comment), under the retention lock. If another pruner holds
     * the lock for longer than {@link #LOCK_WAIT}, or the lock cannot be taken, this deletes nothing and logs why.
     *
     * @return the files deleted by this call, oldest first
     */
    public List<File> prune() {
        if (!enabled())
            return List.of();
        RetentionLock lock;
        try {
            lock = RetentionLock.acquire(data, LOCK_WAIT);
        } catch (IOException e) {
            LOG.warn("Retention: cannot take the lock {} in {} ({}); trying again at the next roll", RetentionLock.FILE,
                    data.dir(), e.toString());
            return List.of();
        }
        if (lock == null) {
            LOG.warn("Retention: another pruner has held {} in {} for over {} ms; trying again at the next roll",
                    RetentionLock.FILE, data.dir(), LOCK_WAIT.toMillis());
            return List.of();
        }
        try (lock) {
            return pruneLocked();
        }
    }

    private List<File> pruneLocked() {
        // Read the watermark and the tailers before looking at the files: both only grow, so these bounds stay safe.
        long watermark = Progress.read(data).watermark();
        int oldestReader = oldestLiveReaderCycle();
        SingleChronicleQueue queue = data.queue();
        queue.refreshDirectoryListing();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first >= last)
            return List.of();
        NavigableSet<Long> cycles = queue.listCyclesBetween(first, last);
        List<Integer> all = new ArrayList<>(cycles.size());
        for (Long c : cycles)
            all.add(c.intValue());
        CycleFiles files = new CycleFiles(queue);
        int candidates = all.size() - Math.max(1, keepCycles);
        List<File> deleted = new ArrayList<>();
        ExcerptTailer tailer = null;
        try {
            for (int i = 0; i < candidates; i++) {
                int cycle = all.get(i);
                if (cycle >= oldestReader)
                    break;
                File file = files.of(cycle);
                if (holdsStore(file)) {
                    if (tailer == null) {
                        // A new tailer opens the first file: by now that is this one, every older one is deleted.
                        if (!deleted.isEmpty())
                            queue.refreshDirectoryListing();
                        tailer = queue.createTailer();
                    }
                    long nextFirstSeq = firstSeqAfter(tailer, queue.rollCycle(), files, all, i);
                    if (nextFirstSeq < 0 || nextFirstSeq > watermark)
                        break;
                }
                if (!delete(file, deleted))
                    break;
            }
        } catch (IOException e) {
            LOG.warn("Retention: cannot read the cycle files of {} ({}); trying again at the next roll", queue.file(),
                    e.toString());
        } finally {
            if (tailer != null)
                tailer.close();
        }
        if (!deleted.isEmpty()) {
            queue.refreshDirectoryListing();
            LOG.info("Retention (queue.keep-cycles={}): deleted {} roll-cycle file(s) of {} below done watermark {}: "
                    + "{}", keepCycles, deleted.size(), queue.file(), watermark,
                    deleted.stream().map(File::getName).toList());
        }
        return deleted;
    }

    /**
     * Deletes the cycle files of slot {@code slot}'s results queue ({@code results/slot-N}) beyond the newest
     * {@code queue.keep-cycles}: results follow the task queue's retention. A reader of the results log that is
     * further behind than that loses the outcomes in the deleted files.
     *
     * @return the files deleted by this call, oldest first
     */
    public List<File> pruneResults(int slot) {
        if (!enabled() || !data.results().exists(slot))
            return List.of();
        SingleChronicleQueue queue = data.results().queue(slot);
        queue.refreshDirectoryListing();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first >= last)
            return List.of();
        List<Long> cycles = new ArrayList<>(queue.listCyclesBetween(first, last));
        CycleFiles files = new CycleFiles(queue);
        List<File> deleted = new ArrayList<>();
        for (int i = 0; i < cycles.size() - Math.max(1, keepCycles); i++)
            if (!delete(files.of(cycles.get(i).intValue()), deleted))
                break;
        if (!deleted.isEmpty()) {
            queue.refreshDirectoryListing();
            LOG.info("Retention (queue.keep-cycles={}): deleted {} roll-cycle file(s) of {}: {}", keepCycles,
                    deleted.size(), queue.file(), deleted.stream().map(File::getName).toList());
        }
        return deleted;
    }

    /** The lowest cycle a live consumer's tailer is in, or {@code Integer.MAX_VALUE} if none is in one. */
    private int oldestLiveReaderCycle() {
        SlotTable slots = data.slots();
        int oldest = Integer.MAX_VALUE;
        for (int i = 0; i < slots.size(); i++) {
            ResultSlot slot = slots.slot(i);
            int cycle = slot.readerCycle();
            if (cycle >= 0 && cycle < oldest && slot.ownerAlive())
                oldest = cycle;
        }
        return oldest;
    }

    /**
     * The seq of the first excerpt after cycle {@code all[i]}: the first task's seq, or the count of an end of stream,
     * in the next cycle that holds an excerpt. Seqs are in queue order, so every task in {@code all[i]} is below it.
     * -1 if no later cycle holds an excerpt.
     */
    private long firstSeqAfter(ExcerptTailer tailer, RollCycle rollCycle, CycleFiles files, List<Integer> all, int i)
            throws IOException {
        for (int j = i + 1; j < all.size(); j++) {
            int cycle = all.get(j);
            // A tailer moved into a file without a store would wait Chronicle's timeout for its header.
            if (!holdsStore(files.of(cycle)) || !tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
                continue;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent())
                    continue;
                switch (excerpts.read(dc, task)) {
                    case TASK:
                        return task.seq();
                    case BATCH:
                        return excerpts.batchFirstSeq();
                    case END_OF_STREAM:
                        return excerpts.endOfStreamCount();
                    default:
                        return -1;
                }
            }
        }
        return -1;
    }

    /**
     * True if {@code file} starts with a store header: Chronicle created it. False for a file that is gone, and for one
     * shorter than a header word or with a zero one: a file Chronicle re-created empty because it opened it just as it
     * was deleted, or the newest file in the instant between its creation and its header (never a candidate, and
     * passing over it only keeps more).
     */
    private static boolean holdsStore(File file) throws IOException {
        try {
            return QueueFiles.firstHeaderWord(file.toPath()) != 0;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Deletes {@code file}, adding it to {@code deleted} if it was there; false if it cannot, so pruning stops. */
    private static boolean delete(File file, List<File> deleted) {
        try {
            if (Files.deleteIfExists(file.toPath()))
                deleted.add(file);
            return true;
        } catch (IOException e) {
            LOG.warn("Retention: cannot delete {} ({}); trying again at the next roll", file, e.toString());
            return false;
        }
    }

    /**
     * The file of each cycle of a queue, named as Chronicle names it (from the roll cycle's format and the queue's
     * epoch), without opening anything: asking Chronicle for a cycle's store maps the file, and re-creates it if it was
     * deleted in between.
     */
    static final class CycleFiles {
        private final RollingResourcesCache names;

        CycleFiles(SingleChronicleQueue queue) {
            File dir = queue.file();
            int suffix = SingleChronicleQueue.SUFFIX.length();
            names = new RollingResourcesCache(queue.rollCycle(), queue.epoch(),
                    name -> new File(dir, name + SingleChronicleQueue.SUFFIX),
                    file -> file.getName().substring(0, file.getName().length() - suffix));
        }

        File of(int cycle) {
            return names.resourceFor(cycle).path;
        }
    }
}
