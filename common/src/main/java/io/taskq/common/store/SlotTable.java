package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The results Chronicle Map ({@code results.cm3}): consumer index to {@link ResultSlot}. Every slot is created
 * when the data directory is created; afterwards each slot is bound in place once and used without the map's
 * segment locks, so a killed process can never leave a lock that stalls the others.
 * <p>
 * Thread-safe for lookups; each {@link ResultSlot} follows its own single-writer rules.
 */
public final class SlotTable implements Closeable {
    private final Path file;
    private final ChronicleMap<Integer, ResultSlot> map;
    private final ResultSlot[] bound;

    private SlotTable(Path file, ChronicleMap<Integer, ResultSlot> map, int size) {
        this.file = file;
        this.map = map;
        this.bound = new ResultSlot[size];
    }

    private static ChronicleMap<Integer, ResultSlot> openMap(Path file, int size) {
        try {
            return ChronicleMapBuilder.of(Integer.class, ResultSlot.class)
                    .name("taskq-results")
                    .entries(size)
                    .entryAndValueOffsetAlignment(8)
                    // Consumers write slots from their own shutdown hook (graceful stop); the map must stay mapped
                    // until then.
                    .skipCloseOnExitHook(true)
                    .createPersistedTo(file.toFile());
        } catch (IOException | RuntimeException | Error e) {
            throw wrapped(file, "Chronicle Map cannot open it", e);
        }
    }

    private static TaskQException wrapped(Path file, String what, Throwable e) {
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
        return new TaskQException(TaskQException.EXIT_USAGE, file + ": " + what + " ("
                + e.getClass().getSimpleName() + detail + ")", e);
    }

    /** Creates the map with {@code size} formatted slots. Called once, under the data directory's init lock. */
    static SlotTable create(Path file, int size) {
        SlotTable table = new SlotTable(file, openMap(file, size), size);
        for (int i = 0; i < size; i++) {
            ResultSlot slot = table.map.acquireUsing(i, new ResultSlot());
            slot.format(i);
            table.bound[i] = slot;
        }
        return table;
    }

    /**
     * Opens an existing map and checks that all {@code size} slots are there, of this schema, at their index, and that
     * their figures pass their checksums. The map's header was checked before (see {@link ResultsMapFile}); this
     * catches damage inside the map, and wraps whatever Chronicle Map throws on it into a one-line refusal.
     */
    static SlotTable open(Path file, int size) {
        SlotTable table = new SlotTable(file, openMap(file, size), size);
        try {
            long entries = table.map.longSize();
            if (entries != size)
                throw TaskQException.usage(file + ": holds " + entries + " slots, the ledger says "
                        + size + " (damaged, or from another data directory)");
            SlotFigures figures = new SlotFigures();
            for (int i = 0; i < size; i++) {
                ResultSlot slot = new ResultSlot();
                try {
                    if (table.map.getUsing(i, slot) == null)
                        throw TaskQException.usage(file + ": slot " + i + " is missing (damaged file)");
                } catch (TaskQException e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    throw wrapped(file, "damaged: Chronicle Map fails to look up slot " + i, e);
                }
                slot.validate(i, file.toString());
                slot.readFigures(figures);
                table.bound[i] = slot;
            }
        } catch (RuntimeException | Error e) {
            table.close();
            throw e;
        }
        return table;
    }

    public int size() {
        return bound.length;
    }

    /** The slot for consumer {@code index}, bound in place. */
    public ResultSlot slot(int index) {
        return bound[index];
    }

    /**
     * Takes the lowest-numbered free slot for {@code ownerWord}, the way {@code --index auto} does. A slot is free
     * when it was never owned, its owner released it, or its owner process no longer runs (see
     * {@link ResultSlot#heldByLiveProcess}); a dead owner's unfinished batch comes with the slot, for the new owner
     * to resume. Each slot is taken with one CAS of its owner word, so of several processes racing for the same
     * slot exactly one wins and the others move on to the next free one.
     * <p>
     * Thread-safe and safe across processes. The caller then owns the slot and must release it when it stops.
     *
     * @return the index taken, or -1 when a live process holds every slot
     */
    public int takeLowestFree(long ownerWord) {
        for (int i = 0; i < bound.length; i++) {
            ResultSlot slot = bound[i];
            OrphanAdoption.releaseDeadHold(this, i);
            for (long current = slot.ownerWord(); !ResultSlot.heldByLiveProcess(current); current = slot.ownerWord()) {
                if (slot.casOwner(current, ownerWord))
                    return i;
            }
        }
        return -1;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        map.close();
    }
}
