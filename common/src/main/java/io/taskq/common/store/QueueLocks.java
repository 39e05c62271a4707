package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads who holds the task queue's locks, for {@code taskq doctor}. Chronicle Queue keeps its write lock (taken by
 * every append, so by every {@code put}) and its append lock as 64-bit words in {@code tasks/metadata.cq4t}: the
 * holder's pid, or {@code 1L << 63} when free. A holder that died keeps the word until the next writer's lock timeout
 * makes Chronicle take it over.
 * <p>
 * Reading opens the queue read-only and changes nothing.
 */
public final class QueueLocks {
    /** Chronicle Queue's value of a free lock word. */
    private static final long UNLOCKED = 1L << 63;
    /** Chronicle Queue's names for its lock words in the metadata file. */
    private static final List<String> KEYS = List.of("chronicle.write.lock", "chronicle.append.lock");

    /**
     * One lock word.
     *
     * @param key   Chronicle Queue's name for the lock
     * @param pid   the holder's pid, or 0 when free
     * @param alive whether the holder's process runs (false when free)
     */
    public record Lock(String key, long pid, boolean alive) {
        public boolean held() {
            return pid != 0;
        }
    }

    private QueueLocks() {
    }

    /**
     * The queue's lock words, in the order write lock, append lock; empty if {@code tasks/} holds no queue yet.
     *
     * @throws TaskQException (exit 2) naming {@code tasks/} if Chronicle Queue cannot open it
     */
    public static List<Lock> read(Path tasks) {
        List<Lock> locks = new ArrayList<>();
        if (!Files.exists(tasks.resolve(QueueFiles.METADATA)))
            return locks;
        QueueFiles.check(tasks);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tasks.toFile()).readOnly(true).build()) {
            queue.metaStore().forEachKey(locks, (into, key, value) -> {
                for (String name : KEYS)
                    if (name.contentEquals(key)) {
                        long word = value.int64();
                        long pid = word == UNLOCKED || word == 0 ? 0 : (int) word;
                        into.add(new Lock(name, pid, pid != 0 && ProcessLiveness.isAlive(pid, 0)));
                    }
            });
        } catch (TaskQException e) {
            throw e;
        } catch (RuntimeException e) {
            String detail = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
            throw new TaskQException(TaskQException.EXIT_USAGE, tasks + ": Chronicle Queue cannot open it read-only ("
                    + e.getClass().getSimpleName() + detail + ")", e);
        }
        locks.sort((a, b) -> KEYS.indexOf(a.key()) - KEYS.indexOf(b.key()));
        return locks;
    }
}
