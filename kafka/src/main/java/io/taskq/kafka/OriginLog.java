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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
 * Not thread-safe: the bridge's one thread uses it.
 */
public final class OriginLog implements Closeable {
    /** Entry header: body length and CRC-32 of the body. */
    private static final int HEADER = 8;
    /** The largest body: seq, partition, offset, a 249-byte topic, a key of up to 1 MiB. */
    private static final int MAX_BODY = 8 + 4 + 8 + 2 + 249 + 4 + (1 << 20);

    private final Path file;
    private final FileChannel channel;
    private final List<Origin> recovered;
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    private OriginLog(Path file, FileChannel channel, List<Origin> recovered) {
        this.file = file;
        this.channel = channel;
        this.recovered = recovered;
    }

    /**
     * Opens (creating if needed) the log {@code file}, reads every whole entry and cuts off a torn tail.
     *
     * @throws TaskQException (exit code 2) if the file cannot be read or written
     */
    public static OriginLog open(Path file) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            List<Origin> entries = new ArrayList<>();
            long good = read(channel, entries);
            if (good < channel.size())
                channel.truncate(good);
            channel.position(good);
            return new OriginLog(file, channel, entries);
        } catch (IOException e) {
            throw TaskQException.usage("bridge origin log " + file + ": cannot open it (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
    }

    /** The entries read when the log was opened, in file order (later entries for the same seq win). */
    public List<Origin> recovered() {
        return recovered;
    }

    /** Appends {@code intents} with one write, before their tasks are put. */
    public void append(List<Origin> intents) {
        if (intents.isEmpty())
            return;
        buffer.clear();
        for (Origin o : intents) {
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
        buffer.flip();
        try {
            while (buffer.hasRemaining())
                channel.write(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the bridge origin log " + file, e);
        }
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

    /** Reads whole entries into {@code out}; returns the file position after the last whole one. */
    private static long read(FileChannel channel, List<Origin> out) throws IOException {
        long size = channel.size();
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 16));
        channel.position(0);
        for (int n = 0; n >= 0 && all.hasRemaining(); )
            n = channel.read(all);
        all.flip();
        long good = 0;
        CRC32 crc = new CRC32();
        while (all.remaining() >= HEADER) {
            int start = all.position();
            int body = all.getInt();
            int sum = all.getInt();
            if (body < 22 || body > MAX_BODY || all.remaining() < body)
                break;
            crc.reset();
            crc.update(all.array(), start + HEADER, body);
            if ((int) crc.getValue() != sum)
                break;
            long seq = all.getLong();
            int partition = all.getInt();
            long offset = all.getLong();
            byte[] topic = new byte[all.getShort()];
            all.get(topic);
            int keyLength = all.getInt();
            byte[] key = null;
            if (keyLength >= 0) {
                key = new byte[keyLength];
                all.get(key);
            }
            out.add(new Origin(seq, new String(topic, StandardCharsets.UTF_8), partition, offset, key));
            good = start + HEADER + body;
            all.position((int) good);
        }
        return good;
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
