package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void shouldKeepSlotFiguresAcrossReopen() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 4, RollCycles.FAST_DAILY)) {
            assertEquals(4, data.slots().size());
            ResultSlot slot = data.slots().slot(2);
            assertEquals(2, slot.index());
            SlotFigures f = new SlotFigures();
            slot.readFigures(f);
            assertEquals(0, f.done);
            f.done = 7;
            f.sumValue = 70;
            f.sumPayload = 3.5;
            f.lastSeq = 6;
            slot.publishFigures(f);
            assertEquals(1, slot.selector());
        }
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 99, RollCycles.FAST_DAILY)) {
            assertEquals(4, data.slots().size(), "slot count is fixed when the directory is created");
            SlotFigures f = new SlotFigures();
            data.slots().slot(2).readFigures(f);
            assertEquals(7, f.done);
            assertEquals(70, f.sumValue);
            assertEquals(3.5, f.sumPayload);
            assertEquals(6, f.lastSeq);
        }
    }

    @Test
    void shouldRefuseADirectoryWithoutLedgerWhenOpeningExisting() {
        TaskQException e = assertThrows(TaskQException.class,
                () -> DataDirectory.openExisting(dir, RollCycles.FAST_DAILY));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("no ledger file"), e.getMessage());
    }
}
