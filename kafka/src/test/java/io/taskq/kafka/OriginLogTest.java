package io.taskq.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
