package io.taskq.kafka;

import io.taskq.common.TaskQException;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The bridge's record of where each task it put came from ({@link Origin}), a file of its own in the data directory
 * ({@code bridge/origins}). The bridge appends an <em>intent</em> for each task before it puts it, with the seq the
 * put will get (the ledger's {@code submitted}; the bridge is the only producer of its data directory). So after a
 * kill at any moment:
 * <ul>
 *   <li>a task that was put always has its intent (written first);</li>
 *   <li>an intent whose seq is not below {@code submitted} was never put, and is void; the next intent for that seq,
 *   later in the file, replaces it: the last intent per seq wins.</li>
 * </ul>
 * Each entry is {@code length, CRC-32, body}; a torn last entry (a kill in the middle of a write) fails its length or
 * checksum and is cut off when the log is opened. Writes go to the page cache, which survives the kill of any process,
 * as the task queue's own puts do with {@code producer.sync=none}.
 * <p>
 * <b>Compaction.</b> The log would grow by one entry per task forever, and a restart reads it whole. The bridge
 * {@linkplain #compact rewrites} it from time to time with only the origins it still keeps (those of records not yet
 * below their partition's committed offset), after a <em>base</em> entry: every seq below the base that has no entry
 * was forgotten on purpose (its record is never consumed again and its outcome is published), so it is not missing. The
 * new file is written beside the log and renamed over it, so a kill leaves the old log or the new one, whole; a
 * leftover of a killed compaction is deleted when the log is opened. A base entry is an entry with partition -1 (Kafka
 * partitions are never negative), its seq the base, an empty topic and no key.
 * <p>
 * Not thread-safe: the bridge's one thread uses it.
 */
public final class OriginLog implements Closeable {
    /** Entry header: body length and CRC-32 of the body. */
    private static final int HEADER = 8;
    /** The largest body: seq, partition, offset, a 249-byte topic, a key of up to 1 MiB. */
    private static final int MAX_BODY = 8 + 4 + 8 + 2 + 249 + 4 + (1 << 20);

    /** The partition of a base entry (see the class comment). */
    private static final int BASE_PARTITION = -1;
    /** How much of the file {@link #read} holds in memory at a time, beyond the largest entry. */
    private static final int READ_CHUNK = 1 << 20;

    private final Path file;
    private final Path compacting;
    private FileChannel channel;
    private final List<Origin> recovered;
    private final long recoveredBase;
    /** Entries in the file now, base entries included. */
    private long entries;
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    private OriginLog(Path file, FileChannel channel, Recovered recovered) {
        this.file = file;
        this.compacting = compactingFile(file);
        this.channel = channel;
        this.recovered = recovered.origins;
        this.recoveredBase = recovered.base;
        this.entries = recovered.entries;
    }

    /** What {@link #read} found: the origins in file order, the highest base, and the whole entries counted. */
    private static final class Recovered {
        final List<Origin> origins = new ArrayList<>();
        long base;
        long entries;
    }

    private static Path compactingFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".compacting");
    }

    /**
     * Opens (creating if needed) the log {@code file}, reads every whole entry and cuts off a torn tail.
     *
     * @throws TaskQException (exit code 2) if the file cannot be read or written
     */
    public static OriginLog open(Path file) {
        try {
            Files.createDirectories(file.getParent());
            // A compaction killed before its rename: the log itself is whole, the leftover is not needed.
            Files.deleteIfExists(compactingFile(file));
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            Recovered recovered = new Recovered();
            long good = read(channel, recovered);
            if (good < channel.size())
                channel.truncate(good);
            channel.position(good);
            return new OriginLog(file, channel, recovered);
        } catch (IOException e) {
            throw TaskQException.usage("bridge origin log " + file + ": cannot open it (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
    }

    /** The origins read when the log was opened, in file order (later entries for the same seq win). */
    public List<Origin> recovered() {
        return recovered;
    }

    /**
     * The base read when the log was opened (0 if it has none): a seq below it without an origin in
     * {@link #recovered()} was forgotten by a compaction, not lost.
     */
    public long recoveredBase() {
        return recoveredBase;
    }

    /** Entries in the file now: what was read at opening or written by the last compaction, and every append since. */
    public long entries() {
        return entries;
    }

    /** Appends {@code intents} with one write, before their tasks are put. */
    public void append(List<Origin> intents) {
        if (intents.isEmpty())
            return;
        buffer.clear();
        for (Origin o : intents)
            encode(o);
        try {
            write(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the bridge origin log " + file, e);
        }
        entries += intents.size();
    }

    /**
     * Rewrites the log as a base entry {@code base} and then {@code kept}, the origins still needed: every task seq
     * below {@code base} must either be in {@code kept} or be forgotten for good, and no intent may be pending (an
     * intent not yet put would be lost). On failure the log stays as it was and the failure is thrown; the bridge
     * goes on appending to it.
     *
     * @throws UncheckedIOException if the new file cannot be written or renamed over the log
     */
    public void compact(long base, Collection<Origin> kept) {
        List<Origin> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparingLong(Origin::seq));
        FileChannel next = null;
        try {
            next = FileChannel.open(compacting, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            buffer.clear();
            encode(new Origin(base, "", BASE_PARTITION, -1, null));
            for (Origin o : sorted) {
                encode(o);
                if (buffer.position() >= READ_CHUNK)
                    write(next);
            }
            write(next);
            // The channel stays open across the rename and goes on as the log's: appends never reach the old file.
            Files.move(compacting, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Bridge.closeQuietly(next);
            try {
                Files.deleteIfExists(compacting);
            } catch (IOException ignored) {
                // the next open deletes it
            }
            throw new UncheckedIOException("cannot compact the bridge origin log " + file, e);
        }
        FileChannel old = channel;
        channel = next;
        entries = sorted.size() + 1L;
        Bridge.closeQuietly(old);
    }

    /** Adds the entry of {@code o} to {@link #buffer}. */
    private void encode(Origin o) {
        int body = bodyLength(o);
        if (body > MAX_BODY)
            throw new IllegalArgumentException("task record key of " + o.key().length + " bytes at " + o.topic()
                    + "/" + o.partition() + "/" + o.offset() + " exceeds the bridge's limit of 1 MiB");
        if (buffer.remaining() < HEADER + body)
            grow(HEADER + body);
        int start = buffer.position();
        buffer.position(start + HEADER);
        buffer.putLong(o.seq()).putInt(o.partition()).putLong(o.offset());
        byte[] topic = o.topic().getBytes(StandardCharsets.UTF_8);
        buffer.putShort((short) topic.length).put(topic);
        if (o.key() == null)
            buffer.putInt(-1);
        else
            buffer.putInt(o.key().length).put(o.key());
        CRC32 crc = new CRC32();
        crc.update(buffer.array(), start + HEADER, body);
        buffer.putInt(start, body).putInt(start + 4, (int) crc.getValue());
    }

    /** Writes what {@link #buffer} holds to {@code to} and clears it. */
    private void write(FileChannel to) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining())
            to.write(buffer);
        buffer.clear();
    }

    private void grow(int needed) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + needed));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }

    private static int bodyLength(Origin o) {
        return 8 + 4 + 8 + 2 + o.topic().getBytes(StandardCharsets.UTF_8).length + 4
                + (o.key() == null ? 0 : o.key().length);
    }

    /**
     * Reads whole entries into {@code out}, a chunk of the file at a time; returns the file position after the last
     * whole one.
     */
    private static long read(FileChannel channel, Recovered out) throws IOException {
        ByteBuffer window = ByteBuffer.allocate(READ_CHUNK);
        long windowAt = 0; // the file position of the window's first byte
        long good = 0;
        boolean eof = false;
        CRC32 crc = new CRC32();
        channel.position(0);
        for (; ; ) {
            while (!eof && window.hasRemaining())
                eof = channel.read(window) < 0;
            window.flip();
            int at = 0;
            while (window.limit() - at >= HEADER) {
                int body = window.getInt(at);
                if (body < 22 || body > MAX_BODY)
                    return good;
                if (window.limit() - at - HEADER < body)
                    break; // the rest of this entry is in the next chunk, or torn off
                crc.reset();
                crc.update(window.array(), at + HEADER, body);
                if ((int) crc.getValue() != window.getInt(at + 4))
                    return good;
                window.position(at + HEADER);
                long seq = window.getLong();
                int partition = window.getInt();
                long offset = window.getLong();
                byte[] topic = new byte[window.getShort()];
                window.get(topic);
                int keyLength = window.getInt();
                byte[] key = null;
                if (keyLength >= 0) {
                    key = new byte[keyLength];
                    window.get(key);
                }
                out.entries++;
                if (partition == BASE_PARTITION)
                    out.base = Math.max(out.base, seq);
                else
                    out.origins.add(new Origin(seq, new String(topic, StandardCharsets.UTF_8), partition, offset, key));
                at += HEADER + body;
                good = windowAt + at;
            }
            if (eof)
                return good;
            // The unread rest goes to the window's start, in a larger window if the next entry needs one.
            int rest = window.limit() - at;
            int need = rest >= HEADER ? HEADER + window.getInt(at) : HEADER;
            window.position(at);
            if (need > window.capacity()) {
                ByteBuffer larger = ByteBuffer.allocate(need + READ_CHUNK);
                larger.put(window);
                window = larger;
            } else {
                window.compact();
            }
            windowAt += at;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the bridge origin log " + file, e);
        }
    }
}
