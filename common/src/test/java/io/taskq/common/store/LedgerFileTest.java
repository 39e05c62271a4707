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

import static org.junit.jupiter.api.Assertions.*;

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
    void shouldOpenWhatItCreated() {
        try (Ledger l = Ledger.open(ledger)) {
            assertEquals(3, l.slots());
            assertEquals(0, l.submitted());
            assertEquals(-1, l.sealedCount());
            assertEquals(-1, Ledger.claimOwner(l.claimCursor()));
        }
    }

    @Test
    void shouldRefuseATruncatedLedger() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(ledger.toFile(), "rw")) {
            f.setLength(100);
        }
        assertTrue(refusal().contains("size is 100 bytes"));
    }

    @Test
    void shouldRefuseAZeroedLedger() throws IOException {
        Files.write(ledger, new byte[Ledger.FILE_SIZE]);
        assertTrue(refusal().contains("bad magic"));
    }

    @Test
    void shouldRefuseAnotherSchemaVersionAndSayBoth() throws IOException {
        writeInt(8, 99);
        String m = refusal();
        assertTrue(m.contains("schema version 99") && m.contains("schema version " + Schema.VERSION), m);
    }

    @Test
    void shouldRefuseADamagedHeader() throws IOException {
        writeInt(12, 7);
        assertTrue(refusal().contains("checksum"));
    }

    @Test
    void shouldEncodePositionAndOwnerInTheClaimCursor() {
        long w = Ledger.cursorWord(123_456_789L, 41);
        assertEquals(123_456_789L, Ledger.claimPosition(w));
        assertEquals(41, Ledger.claimOwner(w));
        assertEquals(Ledger.MAX_SLOTS - 1, Ledger.claimOwner(Ledger.cursorWord(1, Ledger.MAX_SLOTS - 1)));
    }
}
