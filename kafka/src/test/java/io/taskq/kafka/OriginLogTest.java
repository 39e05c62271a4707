package io.taskq.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OriginLogTest {
    @TempDir
    Path dir;

    private static Origin origin(long seq, int partition, long offset, String key) {
        return new Origin(seq, "tasks", partition, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadBackEveryIntentInOrderWithNullAndEmptyKeys() {
        Path file = dir.resolve("bridge").resolve("origins");
        try (OriginLog log = OriginLog.open(file)) {
            log.append(List.of(origin(0, 3, 17, "job-0"), origin(1, 0, 0, null)));
            log.append(List.of(origin(2, 5, Long.MAX_VALUE - 1, "")));
        }
        try (OriginLog log = OriginLog.open(file)) {
            List<Origin> read = log.recovered();
            assertEquals(3, read.size());
            assertEquals(0, read.get(0).seq());
            assertEquals(3, read.get(0).partition());
            assertEquals(17, read.get(0).offset());
            assertEquals("tasks", read.get(0).topic());
            assertArrayEquals("job-0".getBytes(StandardCharsets.UTF_8), read.get(0).key());
            assertNull(read.get(1).key());
            assertEquals(Long.MAX_VALUE - 1, read.get(2).offset());
            assertArrayEquals(new byte[0], read.get(2).key());
        }
    }

    @Test
    void shouldCutOffATornLastEntryAndAppendAfterTheLastWholeOne() throws IOException {
        Path file = dir.resolve("origins");
        try (OriginLog log = OriginLog.open(file)) {
            log.append(List.of(origin(0, 1, 10, "a"), origin(1, 1, 11, "b")));
        }
        long whole = Files.size(file);
        // A kill in the middle of a write: the third entry is only half there.
        try (OriginLog log = OriginLog.open(file)) {
            log.append(List.of(origin(2, 1, 12, "c")));
        }
        long withThird = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(whole + (withThird - whole) / 2);
        }
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(2, log.recovered().size());
            assertEquals(whole, Files.size(file), "the torn entry is cut off");
            log.append(List.of(origin(2, 1, 12, "c2")));
        }
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(3, log.recovered().size());
            assertArrayEquals("c2".getBytes(StandardCharsets.UTF_8), log.recovered().get(2).key());
        }
    }

    @Test
    void shouldStopAtAnEntryWhoseChecksumDoesNotMatch() throws IOException {
        Path file = dir.resolve("origins");
        try (OriginLog log = OriginLog.open(file)) {
            log.append(List.of(origin(0, 1, 10, "a"), origin(1, 1, 11, "b")));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x5A; // the last byte of the second entry's key
        Files.write(file, bytes);
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(1, log.recovered().size());
        }
    }

    @Test
    void shouldCompactToABaseAndTheKeptOriginsAndGoOnAppendingToTheNewFile() throws IOException {
        Path file = dir.resolve("origins");
        try (OriginLog log = OriginLog.open(file)) {
            for (int seq = 0; seq < 100; seq++)
                log.append(List.of(origin(seq, seq % 3, 1000 + seq, "k" + seq)));
            assertEquals(100, log.entries());
            long before = Files.size(file);
            List<Origin> kept = new ArrayList<>();
            for (int seq = 99; seq >= 90; seq--) // in any order: the log keeps them by seq
                kept.add(origin(seq, seq % 3, 1000 + seq, "k" + seq));
            log.compact(100, kept);
            assertEquals(11, log.entries(), "the base entry and the ten kept origins");
            long after = Files.size(file);
            assertTrue(after < before / 5, () -> "compacted to " + after + " of " + before + " bytes");
            assertFalse(Files.exists(dir.resolve("origins.compacting")));
            // Appends after a compaction go to the new file.
            log.append(List.of(origin(100, 1, 1100, "k100"), origin(101, 2, 1101, null)));
            assertEquals(13, log.entries());
        }
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(100, log.recoveredBase());
            assertEquals(13, log.entries());
            List<Long> seqs = log.recovered().stream().map(Origin::seq).toList();
            assertEquals(LongStream.range(90, 102).boxed().toList(), seqs);
            assertArrayEquals("k95".getBytes(StandardCharsets.UTF_8), log.recovered().get(5).key());
            assertEquals(1095, log.recovered().get(5).offset());
            assertNull(log.recovered().get(11).key());
            // A second compaction replaces the base.
            log.compact(102, List.of(log.recovered().get(11)));
        }
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(102, log.recoveredBase());
            assertEquals(List.of(101L), log.recovered().stream().map(Origin::seq).toList());
        }
    }

    @Test
    void shouldDeleteTheLeftoverOfAKilledCompactionAndKeepTheLog() throws IOException {
        Path file = dir.resolve("origins");
        try (OriginLog log = OriginLog.open(file)) {
            log.append(List.of(origin(0, 1, 10, "a"), origin(1, 1, 11, "b")));
        }
        // Killed while writing the new file, before the rename: the log is whole, the new file is half written.
        Path leftover = dir.resolve("origins.compacting");
        Files.write(leftover, new byte[] {12, 0, 0, 0, 1, 2, 3});
        try (OriginLog log = OriginLog.open(file)) {
            assertFalse(Files.exists(leftover));
            assertEquals(0, log.recoveredBase());
            assertEquals(List.of(0L, 1L), log.recovered().stream().map(Origin::seq).toList());
        }
    }

    @Test
    void shouldReadALogOfManyChunksWithAnEntryLargerThanAChunkAndCutOffItsTornTail() throws IOException {
        Path file = dir.resolve("origins");
        byte[] bigKey = new byte[1 << 20]; // the largest key: its entry is larger than the reader's chunk
        Arrays.fill(bigKey, (byte) 'x');
        byte[] key = new byte[300];
        Arrays.fill(key, (byte) 'k');
        int entries = 12_000; // about 4 MB: several chunks of the reader, with entries across their edges
        try (OriginLog log = OriginLog.open(file)) {
            for (int seq = 0; seq < entries; seq++)
                log.append(List.of(new Origin(seq, "tasks", 0, seq, seq == 5_000 ? bigKey : key)));
        }
        long whole = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(whole - 7); // the last entry torn
        }
        try (OriginLog log = OriginLog.open(file)) {
            assertEquals(entries - 1, log.recovered().size());
            assertEquals(entries - 1, log.entries());
            assertArrayEquals(bigKey, log.recovered().get(5_000).key());
            assertArrayEquals(key, log.recovered().get(5_001).key());
            assertEquals(entries - 2, log.recovered().get(entries - 2).seq());
            assertTrue(Files.size(file) < whole - 7, "the torn entry is cut off");
        }
    }
}
