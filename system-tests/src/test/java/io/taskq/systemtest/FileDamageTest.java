package io.taskq.systemtest;

import io.taskq.common.store.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Damaged ledger, results map and queue files, each refused by real {@code bin/taskq} processes: exit code 2, one
 * line on stderr that names the file and what is wrong, and the damaged files byte for byte as they were. Every entry
 * point that opens a data directory refuses the same way.
 * <p>
 * One healthy directory (10 tasks produced, 4 of them consumed by slot 1) is made once per test and copied for each
 * case, so each case damages a fresh copy.
 */
class FileDamageTest extends ProcessTest {
    /** "TASKQSLT", the result slot magic, as the slot writes it: a long in native byte order (docs/PROTOCOL.md). */
    private static final long SLOT_MAGIC = 0x5441534B51534C54L;

    /** Every command that opens an existing data directory, with the arguments it needs besides --data-dir. */
    private static final List<List<String>> ENTRY_POINTS = List.of(
            List.of("produce", "--count", "1"),
            List.of("consume", "--index", "0", "--exit-on-eos"),
            List.of("status"),
            List.of("join", "--timeout", "5s"),
            List.of("tail"),
            List.of("doctor"),
            List.of("metrics"));

    private Path healthy;
    private int cases;

    @Test
    @Timeout(300)
    void shouldRefuseADamagedLedgerFromEveryEntryPointNamingTheFile() throws Exception {
        healthy = healthyDirectory();
        refused("truncated", "ledger", d -> truncate(d.resolve("ledger"), 100),
                ENTRY_POINTS.get(0), "ledger: truncated to 100 bytes, expected 4096");
        refused("empty", "ledger", d -> truncate(d.resolve("ledger"), 0),
                ENTRY_POINTS.get(1), "ledger: empty (0 bytes), expected 4096");
        refused("zeroed", "ledger", d -> Files.write(d.resolve("ledger"), new byte[4096]),
                ENTRY_POINTS.get(2), "ledger: zeroed (no ledger header)");
        refused("random", "ledger", d -> Files.write(d.resolve("ledger"), random(4096, 1)),
                ENTRY_POINTS.get(3), "ledger: not a TaskQ ledger (bad magic 0x");
        refused("version", "ledger", d -> writeNativeInt(d.resolve("ledger"), 8, 7),
                ENTRY_POINTS.get(4),
                "ledger: written by schema version 7, this build reads schema version " + Schema.VERSION);
        refused("header", "ledger", d -> writeNativeInt(d.resolve("ledger"), 12, 9),
                ENTRY_POINTS.get(5), "ledger: damaged header (checksum mismatch)");
    }

    @Test
    @Timeout(300)
    void shouldRefuseADamagedResultsMapFromEveryEntryPointNamingTheFile() throws Exception {
        healthy = healthyDirectory();
        long length = Files.size(healthy.resolve("results.cm3"));
        refused("truncated", "results.cm3", d -> truncate(d.resolve("results.cm3"), length / 2),
                ENTRY_POINTS.get(0), "results.cm3: truncated to " + length / 2 + " bytes, expected " + length);
        refused("empty", "results.cm3", d -> truncate(d.resolve("results.cm3"), 0),
                ENTRY_POINTS.get(1),
                "results.cm3: empty (0 bytes), expected a TaskQ results map of " + length + " bytes");
        refused("zeroed", "results.cm3", d -> Files.write(d.resolve("results.cm3"), new byte[(int) length]),
                ENTRY_POINTS.get(2), "results.cm3: zeroed (no map header)");
        refused("random-header", "results.cm3", d -> overwrite(d.resolve("results.cm3"), 100, random(64, 2)),
                ENTRY_POINTS.get(3), "results.cm3: not a TaskQ results map (header checksum mismatch)");
        refused("missing", "results.cm3", d -> Files.delete(d.resolve("results.cm3")),
                ENTRY_POINTS.get(4), "results.cm3: missing, though the ledger says this data directory was created");
        refused("slot-magic", "results.cm3", d -> overwrite(d.resolve("results.cm3"), slotOffset(d, 1), new byte[8]),
                ENTRY_POINTS.get(5), "results.cm3: slot 1 is not a TaskQ result slot (bad magic 0x0)");
        refused("slot-version", "results.cm3", d -> writeNativeInt(d.resolve("results.cm3"), slotOffset(d, 2) + 8, 7),
                ENTRY_POINTS.get(6),
                "results.cm3: slot 2 written by schema version 7, this build reads schema version " + Schema.VERSION);
        refused("slot-index", "results.cm3", d -> writeNativeInt(d.resolve("results.cm3"), slotOffset(d, 0) + 12, 5),
                ENTRY_POINTS.get(0), "results.cm3: slot 0 is marked as slot 5 (damaged)");
    }

    @Test
    @Timeout(300)
    void shouldRefuseADamagedQueueDirectoryNamingTheFile() throws Exception {
        healthy = healthyDirectory();
        Path metadata = Path.of("tasks", "metadata.cq4t");
        refused("metadata-missing", metadata.toString(), d -> Files.delete(d.resolve(metadata)),
                ENTRY_POINTS.get(0), "metadata.cq4t: missing while ");
        refused("metadata-zeroed", metadata.toString(),
                d -> Files.write(d.resolve(metadata), new byte[(int) Files.size(d.resolve(metadata))]),
                ENTRY_POINTS.get(1), "metadata.cq4t: zeroed (no Chronicle Queue metadata file header)");
        refused("metadata-random", metadata.toString(),
                d -> Files.write(d.resolve(metadata), random((int) Files.size(d.resolve(metadata)), 3)),
                ENTRY_POINTS.get(4), "metadata.cq4t: not a Chronicle Queue metadata file (bad header 0x");
    }

    /**
     * Copies the healthy directory, damages the copy, runs one command on it and expects exit 2 with one error line
     * that names {@code file} (by its path in the copy) and contains {@code what}; then checks that nothing changed.
     */
    private void refused(String name, String file, Damage damage, List<String> command, String what) throws Exception {
        Path data = copy(healthy, tmp.resolve("case-" + (++cases) + "-" + name));
        damage.apply(data);
        DataDirSnapshot before = DataDirSnapshot.of(data);
        String damagedSha = DataDirSnapshot.sha256(data.resolve(file));

        String[] args = Stream.concat(command.stream(), Stream.of("--data-dir", data.toString()))
                .toArray(String[]::new);
        TaskqProcess p = taskq.run(command.get(0) + "-" + name, args);

        assertRejected(p, command.get(0), data.resolve(file).toString() + ": ", what);
        assertEquals(before, DataDirSnapshot.of(data), () -> "the data directory is unchanged after " + p.describe());
        assertEquals(damagedSha, DataDirSnapshot.sha256(data.resolve(file)), "the damaged file is byte-identical");
    }

    /** 10 tasks produced and sealed; slot 1 consumed them all. */
    private Path healthyDirectory() throws IOException, InterruptedException {
        Path data = tmp.resolve("healthy");
        taskq.runOk("setup-produce", "produce", "--count", "10", "--seal", "--data-dir", data.toString());
        taskq.runOk("setup-consume", "consume", "--index", "1", "--exit-on-eos", "--data-dir", data.toString());
        return data;
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p))
                    Files.createDirectories(target);
                else
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    /** The file offset of slot {@code index}: the slot magic followed by its index (Chronicle Map places entries). */
    private static long slotOffset(Path data, int index) throws IOException {
        byte[] bytes = Files.readAllBytes(data.resolve("results.cm3"));
        byte[] magic = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(SLOT_MAGIC).array();
        ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 16 <= bytes.length; i += 8)
            if (Arrays.equals(bytes, i, i + 8, magic, 0, 8) && view.getInt(i + 12) == index)
                return i;
        throw new AssertionError("slot " + index + " not found in " + data.resolve("results.cm3"));
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static void writeNativeInt(Path file, long offset, int value) throws IOException {
        overwrite(file, offset, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value).array());
    }

    private static void overwrite(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            assertEquals(bytes.length, ch.write(ByteBuffer.wrap(bytes), offset));
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @FunctionalInterface
    private interface Damage {
        void apply(Path dataDir) throws IOException;
    }
}
