package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger refuses files it did not write, naming the file and what is wrong. */
class LedgerFileTest {
    @TempDir
    Path dir;
    Path ledger;

    @BeforeEach
    void create() {
        DataDirectory.openOrCreate(dir, 3, RollCycles.FAST_DAILY).close();
        ledger = dir.resolve(DataDirectory.LEDGER);
    }

    private String refusal() {
        TaskQException e = assertThrows(TaskQException.class, () -> Ledger.open(ledger));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(ledger.toString()), e.getMessage());
        return e.getMessage();
    }

    private void writeInt(long offset, int value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(ledger.toFile(), "rw")) {
            f.getChannel().write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), offset);
        }
    }

    @Test
    void shouldOpenWhatItCreated() throws IOException {
        try (Ledger l = Ledger.open(ledger)) {
            assertEquals(3, l.slots());
            assertEquals(0, l.submitted());
            assertEquals(-1, l.sealedCount());
            assertEquals(-1, Ledger.claimOwner(l.claimCursor()));
            assertEquals(Files.size(dir.resolve(DataDirectory.RESULTS)), l.resultsLength(),
                    "the map's length is recorded");
        }
    }

    @Test
    void shouldRefuseATruncatedLedger() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(ledger.toFile(), "rw")) {
            f.setLength(100);
        }
        String m = refusal();
        assertTrue(m.endsWith(ledger + ": truncated to 100 bytes, expected 4096"), m);
    }

    @Test
    void shouldRefuseAZeroedLedger() throws IOException {
        Files.write(ledger, new byte[Ledger.FILE_SIZE]);
        String m = refusal();
        assertEquals(ledger + ": zeroed (no ledger header)", m);
    }

    @Test
    void shouldRefuseAnEmptyLedger() throws IOException {
        Files.write(ledger, new byte[0]);
        assertEquals(ledger + ": empty (0 bytes), expected 4096", refusal());
    }

    @Test
    void shouldRefuseGarbageAsNotALedger() throws IOException {
        byte[] garbage = new byte[Ledger.FILE_SIZE];
        new java.util.Random(42).nextBytes(garbage);
        Files.write(ledger, garbage);
        assertTrue(refusal().contains(": not a TaskQ ledger (bad magic 0x"));
    }

    @Test
    void shouldRefuseALedgerWithATrailingTail() throws IOException {
        Files.write(ledger, new byte[10], java.nio.file.StandardOpenOption.APPEND);
        assertEquals(ledger + ": 4106 bytes, expected 4096 (not a TaskQ ledger)", refusal());
    }

    @Test
    void shouldRefuseADamagedResultsLengthRecord() throws IOException {
        writeInt(32, 12345);
        assertTrue(refusal().endsWith(": damaged header (results length check mismatch)"));
    }

    @Test
    void shouldRefuseAnotherSchemaVersionAndSayBoth() throws IOException {
        writeInt(8, 99);
        String m = refusal();
        assertEquals(ledger + ": written by schema version 99, this build reads schema version " + Schema.VERSION, m);
    }

    @Test
    void shouldRefuseADamagedHeader() throws IOException {
        writeInt(12, 7);
        assertEquals(ledger + ": damaged header (checksum mismatch)", refusal());
    }

    @Test
    void shouldEncodePositionAndOwnerInTheClaimCursor() {
        long w = Ledger.cursorWord(123_456_789L, 41);
        assertEquals(123_456_789L, Ledger.claimPosition(w));
        assertEquals(41, Ledger.claimOwner(w));
        assertEquals(Ledger.MAX_SLOTS - 1, Ledger.claimOwner(Ledger.cursorWord(1, Ledger.MAX_SLOTS - 1)));
    }
}
