package io.taskq.kafka;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ResultsReader;
import io.taskq.common.store.TaskOutcome;
import io.taskq.producer.TaskBatch;
import io.taskq.producer.TaskProducer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One host's bridge between Kafka and its data directory. It takes task records from the tasks topic in a consumer
 * group, puts each poll's records into the data directory with one {@code putAll} (one excerpt, all or nothing;
 * their {@link Origin}s recorded first, in the {@link OriginLog}), follows the results log, and publishes outcomes to
 * the results topic in Kafka transactions that also commit the consumed offsets (KIP-447). Per partition it publishes
 * only the finished prefix of what it consumed, in offset order, so an outcome is in the results topic if and only if
 * its record's offset is below the group's committed offset: a read_committed reader sees exactly one outcome per task
 * record, across kills, restarts and partitions moving.
 * <ul>
 *   <li>A restarted bridge resumes from the committed offsets; a record it had put before is not put again (its
 *   local outcome is published when it is done).</li>
 *   <li>On revocation it commits what is finished, then forgets the partition: it never publishes for a partition it
 *   lost, even for tasks its host finishes later. A zombie (a frozen host whose partitions moved) has a stale group
 *   generation, so its transaction fails and is aborted.</li>
 *   <li>Its transactional id is stable per host ({@code taskq-bridge-<host-id>}), so a restarted bridge fences its
 *   dead predecessor at once.</li>
 * </ul>
 * It is the only producer of its data directory: it holds {@code bridge/lock} and refuses a data directory with
 * tasks it did not put. Not thread-safe: {@link #run()} runs on one thread, and {@link #stop()} may be called from
 * any other (a shutdown hook).
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** Header of a task record carrying the task's {@code value}, a 4-byte big-endian int (CSV and count input). */
    public static final String VALUE_HEADER = "taskq-value";
    /** Header of a task record carrying the task's {@code payload}, an 8-byte big-endian double. */
    public static final String PAYLOAD_HEADER = "taskq-payload";
    /** The bridge's folder in the data directory. */
    public static final String DIR = "bridge";
    /** Longest wait in one consumer poll: how quickly outcomes are picked up when no records come. */
    private static final Duration POLL = Duration.ofMillis(10);
    /** How often the backlog is measured for backpressure. */
    private static final long BACKLOG_CHECK_NANOS = 50_000_000L;
    private static final byte[] EMPTY = new byte[0];
    /** How often the first offsets of new partitions are asked for when the client fails inside itself. */
    private static final int BEGINNING_OFFSETS_ATTEMPTS = 5;
    /**
     * Outcomes in one transaction at most (under 1 MiB of JSON): while a transaction is with the brokers the host goes
     * on finishing tasks, and one that carried all of them could outlast {@code bridge.transaction-timeout} on a slow
     * or busy broker, which would fence the bridge. 10,000 did, on a 2-core machine at load 20 with the 5 s timeout
     * of the system tests; the synchronous bridge's transactions, which never did, held about 1,200.
     */
    static final int MAX_TRANSACTION_OUTCOMES = 2_000;

    private final BridgeSettings settings;
    private final TaskProducer producer;
    private final DataDirectory data;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final OriginLog originLog;
    private final String hostId;
    private final ResultsReader results;
    private final String tasksTopic;

    /**
     * Origin of every task in the data directory by seq, but for tasks of records below their partition's committed
     * offset, which are pruned: such a record is never consumed again, and its outcome is published.
     */
    private final Map<Long, Origin> origins = new HashMap<>();
    /** Seq of every task put from the tasks topic, by partition and offset. */
    private final Map<Integer, TreeMap<Long, Long>> localSeqs = new HashMap<>();
    /** What this bridge owns now, and what of it waits to be published. */
    private final PublishQueue queue;
    private final List<Origin> intents = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> toPut = new ArrayList<>();
    /** The tasks of one {@code putAll}, reused. */
    private final TaskBatch batch;

    /**
     * Runs the transactions, one at a time, so that the bridge's thread goes on taking records and putting tasks while
     * one is with the brokers (a transaction waits for several round trips). The Kafka producer is used by one
     * transaction at a time, handed over through the executor (happens-before both ways).
     */
    private final ExecutorService committer = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "taskq-bridge-commit");
        t.setDaemon(true);
        return t;
    });
    /** The outcomes' JSON, written on the committer thread only. */
    private final OutcomeJson outcomeJson = new OutcomeJson();
    /** The transaction on the committer thread, or null. */
    private Transaction inFlight;

    private KafkaProducer<byte[], byte[]> kafkaProducer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean stopping;
    private TaskQException fatal;
    private boolean paused;
    private long lastBacklogCheck;
    private long putCount;
    private long publishedCount;
    private long transactions;
    private long aborted;
    /** After a failed compaction: the origin log's entry count from which to try again. */
    private long retryCompactionAt;

    private Bridge(BridgeSettings settings, TaskProducer producer, FileChannel lockChannel, FileLock lock,
                   OriginLog originLog, String hostId) {
        this.settings = settings;
        this.producer = producer;
        this.data = producer.data();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.originLog = originLog;
        this.hostId = hostId;
        this.tasksTopic = settings.kafka().tasksTopic();
        this.results = new ResultsReader(data);
        this.queue = new PublishQueue(tasksTopic, origins::get);
        this.batch = producer.newBatch();
    }

    /**
     * Opens the data directory (creating it if needed), takes the bridge lock and reads the origin log. Does not
     * connect yet.
     *
     * @throws TaskQException (exit code 2) if another bridge holds the data directory, if it holds tasks the bridge
     *                        did not put, or if its stream is sealed
     */
    public static Bridge open(BridgeSettings settings) {
        TaskProducer producer = TaskProducer.open(settings.producer());
        FileChannel channel = null;
        try {
            Path dir = producer.data().dir().resolve(DIR);
            Files.createDirectories(dir);
            Path lockFile = dir.resolve("lock");
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null)
                throw TaskQException.usage("another taskq bridge runs on data directory " + producer.data().dir()
                        + " (it holds " + lockFile + "); one bridge per data directory");
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
            String hostId = hostId(settings, dir);
            OriginLog log = OriginLog.open(dir.resolve("origins"));
            Bridge bridge = new Bridge(settings, producer, channel, lock, log, hostId);
            bridge.recover();
            return bridge;
        } catch (IOException e) {
            closeQuietly(channel);
            producer.close();
            throw TaskQException.usage("data directory " + producer.data().dir() + ": cannot set up the bridge's "
                    + "files (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            producer.close();
            throw e;
        }
    }

    /** Closes {@code channel} (if not null), logging a failure: for channels nothing is written through any more. */
    static void closeQuietly(FileChannel channel) {
        if (channel == null)
            return;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Cannot close {}: {}", channel, e.toString());
        }
    }

    /** {@code bridge.host-id}, or the id kept in {@code bridge/host-id} (created once). */
    private static String hostId(BridgeSettings settings, Path dir) throws IOException {
        if (!settings.hostId().isEmpty())
            return settings.hostId();
        Path file = dir.resolve("host-id");
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (id.matches("[A-Za-z0-9._-]{1,100}"))
                return id;
            throw TaskQException.usage(file + ": '" + id + "' is not a host id (1..100 letters, digits, '.', '_' "
                    + "or '-'); set bridge.host-id or delete the file");
        }
        String id = "h-" + UUID.randomUUID().toString().substring(0, 8);
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    /**
     * Rebuilds the origins of the tasks in the data directory from the origin log: the last intent per seq wins, and
     * a seq below the log's base without an origin was forgotten by a compaction (see {@link OriginLog}).
     */
    private void recover() {
        long submitted = producer.submitted();
        if (data.ledger().sealedCount() >= 0)
            throw TaskQException.usage("the stream in " + data.dir() + " is sealed; a bridge needs an open stream "
                    + "(use a data directory of its own)");
        long base = originLog.recoveredBase();
        if (base > submitted)
            throw TaskQException.usage("bridge origin log in " + data.dir() + " accounts for " + base + " tasks, but "
                    + "the data directory holds " + submitted + ": the log is not this data directory's");
        for (Origin o : originLog.recovered())
            if (o.seq() < submitted)
                origins.put(o.seq(), o);
        long present = 0;
        for (long seq : origins.keySet())
            if (seq >= base)
                present++;
        long missing = submitted - base - present;
        if (missing > 0)
            throw TaskQException.usage("data directory " + data.dir() + " holds " + missing + " of its " + submitted
                    + " tasks that no bridge put (another producer?); the bridge must be the only producer of its "
                    + "data directory: give it one of its own");
        for (Origin o : origins.values()) {
            if (o.topic().equals(tasksTopic))
                localSeqs.computeIfAbsent(o.partition(), p -> new TreeMap<>()).put(o.offset(), o.seq());
        }
        LOG.info("bridge host {}: data directory {} holds {} tasks put by bridges; origin log {} entries{}", hostId,
                data.dir(), submitted, originLog.entries(), base > 0 ? " (compacted below seq " + base + ")" : "");
    }

    /**
     * Rewrites the origin log with only the origins still kept, once {@code bridge.compact-origins} of its entries are
     * forgotten ones and they are at least half of it (so that each rewrite drops at least as much as it copies). Call
     * with no intent pending (between takes). A failure is logged; the log stays as it was and grows by as many
     * entries again before the next attempt.
     */
    private void compactOriginsIfDue() {
        long entries = originLog.entries();
        long forgotten = entries - origins.size();
        if (entries < retryCompactionAt || forgotten < settings.compactOrigins() || forgotten < origins.size())
            return;
        long base = producer.submitted();
        try {
            originLog.compact(base, origins.values());
            LOG.info("bridge host {}: origin log compacted from {} entries to {} (the origins of records not yet "
                    + "committed), below seq {}", hostId, entries, originLog.entries(), base);
        } catch (UncheckedIOException e) {
            retryCompactionAt = entries + settings.compactOrigins();
            LOG.warn("bridge host {}: {}; the log goes on growing, trying again after {} more entries", hostId,
                    e.getMessage() + " (" + e.getCause() + ")", settings.compactOrigins());
        }
    }

    /** This bridge's host id. */
    public String hostId() {
        return hostId;
    }

    /** Kafka's transactional id of this host's bridge. */
    public String transactionalId() {
        return "taskq-bridge-" + hostId;
    }

    /**
     * Checks the brokers, creates the topics if missing, starts the transactional producer (fencing a predecessor
     * with the same host id, and aborting its open transaction) and joins the group.
     *
     * @throws TaskQException (exit code 1) if the brokers do not answer within {@code kafka.timeout}
     */
    public void connect() {
        KafkaSettings kafka = settings.kafka();
        try (KafkaAdmin admin = KafkaAdmin.connect(kafka)) {
            admin.ensureTopic(kafka.tasksTopic());
            admin.ensureTopic(kafka.resultsTopic());
        }
        try {
            kafkaProducer = new KafkaProducer<>(kafka.transactionalProducer(transactionalId(),
                    settings.transactionTimeout()));
            kafkaProducer.initTransactions();
            consumer = new KafkaConsumer<>(kafka.consumer(kafka.group()));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaAdmin.unreachable(kafka, e);
        }
        consumer.subscribe(List.of(kafka.tasksTopic()), new Rebalance());
    }

    /** Asks {@link #run()} to stop after its current step; callable from any thread. */
    public void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null)
            c.wakeup();
    }

    /**
     * Runs until {@link #stop()}: takes records, puts tasks, publishes outcomes. On stop it commits what is finished
     * and leaves the group.
     *
     * @throws TaskQException if the bridge cannot go on: fenced by a newer bridge with its host id, the brokers gone
     *                        for longer than {@code kafka.timeout}, or the data directory refusing puts
     */
    public void run() {
        long commitEvery = settings.commitInterval().toNanos();
        long nextCommit = System.nanoTime() + commitEvery;
        while (!stopping) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (WakeupException e) {
                break;
            }
            throwIfFatal();
            take(records);
            collectOutcomes();
            backpressure();
            endTransaction(false, true);
            throwIfFatal();
            compactOriginsIfDue();
            long now = System.nanoTime();
            if (inFlight == null && now - nextCommit >= 0) {
                beginTransaction();
                throwIfFatal();
                nextCommit = now + commitEvery;
            }
        }
        collectOutcomes();
        commit(false);
        throwIfFatal();
    }

    private void throwIfFatal() {
        if (fatal != null)
            throw fatal;
    }

    /** Puts the records not put before, after their intents; queues every record for its outcome. */
    private void take(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty())
            return;
        intents.clear();
        toPut.clear();
        long base = producer.submitted();
        int maxBody = settings.producer().maxBodyBytes();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            if (!queue.owns(rec.partition()))
                continue;
            Long seq = localSeq(rec.partition(), rec.offset());
            if (seq != null) {
                queue.consumed(origins.get(seq));
                continue;
            }
            int bodyLength = rec.value() == null ? 0 : rec.value().length;
            if (bodyLength > maxBody) {
                // Never put, so never handled: it is dead at once, and its outcome says why.
                Origin origin = new Origin(-1, rec.topic(), rec.partition(), rec.offset(), rec.key());
                byte[] error = ("task record body of " + bodyLength + " bytes exceeds queue.max-body-bytes="
                        + maxBody + " on host " + hostId).getBytes(StandardCharsets.UTF_8);
                queue.consumed(origin, new TaskOutcome(-1, TaskOutcome.Status.DEAD, error, 0, 0, -1, 0,
                        System.currentTimeMillis(), 0));
                continue;
            }
            Origin origin = new Origin(base + intents.size(), rec.topic(), rec.partition(), rec.offset(), rec.key());
            intents.add(origin);
            toPut.add(rec);
            // Queued now, in its place among the partition's records; put below (a put that fails stops the bridge).
            queue.consumed(origin);
        }
        originLog.append(intents);
        for (int i = 0; i < toPut.size(); ) {
            int first = i;
            i = putFrom(first);
            for (int j = first; j < i; j++) {
                Origin origin = intents.get(j);
                origins.put(origin.seq(), origin);
                localSeqs.computeIfAbsent(origin.partition(), p -> new TreeMap<>()).put(origin.offset(), origin.seq());
            }
            putCount += i - first;
        }
    }

    /**
     * Puts {@code toPut} from index {@code first} on as one {@code putAll} (one excerpt, all or nothing), as many as
     * fit in a batch; a body too large for any batch goes alone with {@code put}. Returns the index after the last
     * task put. Every intent of the poll is in the origin log already, so a kill between two batches leaves the later
     * intents void (their seqs not below {@code submitted}), as a kill between two puts does.
     *
     * @throws TaskQException (exit code 2) if the tasks did not get the seqs of their intents: another producer put
     *                        into the data directory
     */
    private int putFrom(int first) {
        int end = first;
        while (end < toPut.size() && batch.hasRoomFor(bodyOf(toPut.get(end)).length)) {
            ConsumerRecord<byte[], byte[]> rec = toPut.get(end);
            batch.add(headerInt(rec, VALUE_HEADER), headerDouble(rec, PAYLOAD_HEADER), bodyOf(rec));
            end++;
        }
        long seq;
        try {
            if (end == first) {
                ConsumerRecord<byte[], byte[]> rec = toPut.get(end++);
                seq = producer.put(headerInt(rec, VALUE_HEADER), headerDouble(rec, PAYLOAD_HEADER), bodyOf(rec));
            } else {
                seq = producer.putAll(batch);
            }
        } catch (StreamSealedException e) {
            batch.clear();
            throw TaskQException.usage("the stream in " + data.dir() + " was sealed by another process; the bridge "
                    + "needs an open stream (" + e.getMessage() + ")");
        }
        long expected = intents.get(first).seq();
        if (seq != expected)
            throw TaskQException.usage("task " + seq + " of data directory " + data.dir() + " was put by another "
                    + "producer while the bridge expected " + expected + "; the bridge must be the only "
                    + "producer of its data directory (it stops here; nothing of it was published)");
        return end;
    }

    private static byte[] bodyOf(ConsumerRecord<byte[], byte[]> rec) {
        return rec.value() == null ? EMPTY : rec.value();
    }

    /** The record's {@code header} as a 4-byte big-endian int, or 0 if it has none of that size. */
    private static int headerInt(ConsumerRecord<byte[], byte[]> rec, String header) {
        Header h = rec.headers().lastHeader(header);
        byte[] v = h == null ? null : h.value();
        if (v == null || v.length != Integer.BYTES)
            return 0;
        return (v[0] & 0xff) << 24 | (v[1] & 0xff) << 16 | (v[2] & 0xff) << 8 | v[3] & 0xff;
    }

    /** The record's {@code header} as an 8-byte big-endian double, or 0 if it has none of that size. */
    private static double headerDouble(ConsumerRecord<byte[], byte[]> rec, String header) {
        Header h = rec.headers().lastHeader(header);
        byte[] v = h == null ? null : h.value();
        if (v == null || v.length != Double.BYTES)
            return 0;
        long bits = 0;
        for (byte b : v)
            bits = bits << 8 | b & 0xff;
        return Double.longBitsToDouble(bits);
    }

    private Long localSeq(int partition, long offset) {
        TreeMap<Long, Long> seqs = localSeqs.get(partition);
        return seqs == null ? null : seqs.get(offset);
    }

    /** Hands each new outcome to its pending record, or parks it until its record is consumed here. */
    private void collectOutcomes() {
        results.poll(queue::outcome);
    }

    /**
     * Pauses taking records while the host's backlog is above {@code bridge.max-backlog}, or while the records taken
     * and not published yet are more than that and a transaction's worth, and resumes below.
     */
    private void backpressure() {
        long now = System.nanoTime();
        if (now - lastBacklogCheck < BACKLOG_CHECK_NANOS)
            return;
        lastBacklogCheck = now;
        // Also while what it took waits too long to be published (slow brokers): it must not hoard records.
        boolean full = Progress.read(data).backlog() > settings.maxBacklog()
                || queue.pending() > settings.maxBacklog() + MAX_TRANSACTION_OUTCOMES;
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!full && paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    /**
     * Publishes the finished prefix of every owned partition and commits its offsets, in transactions, and waits
     * for them (after the one in flight, if any). A commit that fails for a reason the group explains (a rebalance, a
     * stale generation) is aborted, and with {@code resetOnFailure} the bridge goes back to the committed offsets; any
     * other failure is fatal.
     */
    private void commit(boolean resetOnFailure) {
        endTransaction(true, resetOnFailure);
        // As many transactions as it takes (each holds MAX_TRANSACTION_OUTCOMES at most), until one fails.
        long abortedBefore = aborted;
        while (fatal == null && aborted == abortedBefore && beginTransaction())
            endTransaction(true, resetOnFailure);
    }

    /**
     * Starts a transaction of the finished prefix of every owned partition and its offsets on the committer thread,
     * unless one is in flight or there is nothing to publish. The group's metadata is taken now, on the bridge's
     * thread: a rebalance waits for the transaction to end ({@link Rebalance}), so it is the generation the
     * transaction's offsets belong to, and a zombie's is stale. Returns whether it started one.
     */
    private boolean beginTransaction() {
        if (kafkaProducer == null || fatal != null || inFlight != null)
            return false;
        PublishQueue.Batch batch = queue.publishable(MAX_TRANSACTION_OUTCOMES);
        if (batch.isEmpty())
            return false;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.nextOffsets().forEach((p, next) -> offsets.put(new TopicPartition(tasksTopic, p),
                new OffsetAndMetadata(next)));
        ConsumerGroupMetadata group = consumer.groupMetadata();
        inFlight = new Transaction(batch, committer.submit(() -> transact(batch, offsets, group)));
        return true;
    }

    /**
     * On the committer thread: one transaction of {@code batch}'s outcomes and {@code offsets}, and how it ended; a
     * transaction that cannot commit is aborted if it can be.
     */
    private Ended transact(PublishQueue.Batch batch, Map<TopicPartition, OffsetAndMetadata> offsets,
                                    ConsumerGroupMetadata group) {
        String resultsTopic = settings.kafka().resultsTopic();
        try {
            kafkaProducer.beginTransaction();
            for (int i = 0; i < batch.size(); i++) {
                Origin origin = batch.origins().get(i);
                kafkaProducer.send(new ProducerRecord<>(resultsTopic, OutcomeMessage.resultKey(origin),
                        outcomeJson.encode(batch.outcomes().get(i), origin, hostId)));
            }
            kafkaProducer.sendOffsetsToTransaction(offsets, group);
            commitTransaction(batch.size());
            return Ended.COMMITTED;
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException
                 | InvalidTxnStateException | AuthorizationException | UnsupportedVersionException e) {
            // InvalidTxnStateException: the coordinator aborted this producer's transaction when it timed out (the
            // bridge was frozen or cut off for longer than bridge.transaction-timeout); like a fence, the producer
            // cannot go on, and neither commit nor abort is possible.
            return Ended.fatal(new TaskQException(TaskQException.EXIT_FAILED, "fenced or refused by Kafka ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): another bridge with host id " + hostId
                    + " started, or this one's transaction timed out (bridge.transaction-timeout) while it was "
                    + "frozen or the brokers were away; it stops without publishing more, and a restart resumes from "
                    + "the data directory", e));
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("bridge host {}: transaction of {} outcomes not committed ({}); aborting it and resuming from "
                    + "the committed offsets", hostId, batch.size(), e.toString());
            try {
                kafkaProducer.abortTransaction();
            } catch (KafkaException | IllegalStateException abortFailed) {
                return Ended.fatal(new TaskQException(TaskQException.EXIT_FAILED, "cannot commit or abort a Kafka "
                        + "transaction (" + e.getClass().getSimpleName() + ", then " + abortFailed.getClass()
                        .getSimpleName() + ": " + abortFailed.getMessage() + "); the bridge stops; restarted, it "
                        + "resumes from the data directory and the committed offsets", e));
            }
            return Ended.ABORTED;
        }
    }

    /**
     * Takes the end of the transaction in flight, if any: waits for it with {@code wait}, else only if it has ended.
     * A committed batch is published; an aborted one goes back to the queue (with {@code resetOnFailure}, the bridge
     * goes back to the committed offsets); any other failure is fatal.
     */
    private void endTransaction(boolean wait, boolean resetOnFailure) {
        Transaction t = inFlight;
        if (t == null || !wait && !t.result().isDone())
            return;
        Ended end;
        try {
            end = waitFor(t.result());
        } catch (ExecutionException e) {
            end = Ended.fatal(new TaskQException(TaskQException.EXIT_FAILED, "a Kafka transaction failed "
                    + "unexpectedly (" + e.getCause() + "); the bridge stops; restarted, it resumes from the data "
                    + "directory and the committed offsets", e.getCause()));
        }
        inFlight = null;
        PublishQueue.Batch batch = t.batch();
        if (end.kind() == Ended.Kind.COMMITTED) {
            queue.published(batch);
            batch.nextOffsets().forEach(this::prune);
            publishedCount += batch.size();
            transactions++;
        } else if (end.kind() == Ended.Kind.ABORTED) {
            aborted++;
            queue.failed(batch);
            if (resetOnFailure)
                start(queue.owned());
        } else {
            fatal = end.fatal();
        }
    }

    /** The transaction's result; an interrupt of the bridge's thread is kept for its caller and the wait goes on. */
    private static Ended waitFor(Future<Ended> result) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted)
                Thread.currentThread().interrupt();
        }
    }

    /**
     * Commits the open transaction. A commit that times out (the brokers away, say for a restart) must be retried,
     * not aborted: it is retried until it completes or fails otherwise, unless the bridge is stopping.
     */
    private void commitTransaction(int outcomes) {
        for (int attempt = 1; ; attempt++) {
            try {
                kafkaProducer.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (stopping)
                    throw e;
                LOG.warn("bridge host {}: commit of a transaction of {} outcomes timed out (attempt {}: {}); the "
                        + "brokers at {} are away; retrying", hostId, outcomes, attempt, e.getMessage(),
                        settings.kafka().bootstrap());
            }
        }
    }

    /**
     * Starts owning {@code partitions} at their committed offsets (the beginning if none), forgetting what was pending
     * for them: their records are consumed again from there.
     */
    private void start(Collection<Integer> partitions) {
        if (partitions.isEmpty())
            return;
        Set<TopicPartition> tps = new HashSet<>();
        for (int p : partitions)
            tps.add(new TopicPartition(tasksTopic, p));
        Map<TopicPartition, OffsetAndMetadata> committed = null;
        while (committed == null) {
            try {
                committed = consumer.committed(tps);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Offsets in an open transaction of a dead or frozen bridge are not stable until Kafka aborts it
                // (bridge.transaction-timeout): wait for that rather than start from a guess.
                LOG.warn("bridge host {}: committed offsets of {} not available yet ({}); waiting", hostId,
                        partitions, e.getMessage());
                if (stopping)
                    throw e;
            }
        }
        Set<TopicPartition> uncommitted = new HashSet<>();
        for (TopicPartition tp : tps)
            if (committed.get(tp) == null)
                uncommitted.add(tp);
        Map<TopicPartition, Long> beginning = uncommitted.isEmpty() ? Map.of() : beginningOffsets(uncommitted);
        for (TopicPartition tp : tps) {
            OffsetAndMetadata c = committed.get(tp);
            long offset = c != null ? c.offset() : beginning.getOrDefault(tp, 0L);
            consumer.seek(tp, offset);
            prune(tp.partition(), offset);
            queue.own(tp.partition(), offset);
        }
        if (paused)
            consumer.pause(tps);
        LOG.info("bridge host {}: owns {} from offsets {}", hostId, partitions, tps.stream()
                .map(tp -> tp.partition() + "@" + queue.publishedUpTo(tp.partition())).toList());
    }

    /**
     * The first offsets of {@code tps}. The Kafka client's offset lookup can throw a
     * {@link ConcurrentModificationException} from inside itself when it retries a request (seen under load, from
     * this one thread: a client bug, not a second thread using the consumer); the lookup has no side effect, so it is
     * asked again, a few times.
     */
    private Map<TopicPartition, Long> beginningOffsets(Set<TopicPartition> tps) {
        for (int attempt = 1; ; attempt++) {
            try {
                return consumer.beginningOffsets(tps);
            } catch (ConcurrentModificationException e) {
                if (attempt >= BEGINNING_OFFSETS_ATTEMPTS)
                    throw e;
                LOG.warn("bridge host {}: the Kafka client failed to look up the first offsets of {} ({}); asking "
                        + "again (attempt {} of {})", hostId, tps, e, attempt + 1, BEGINNING_OFFSETS_ATTEMPTS);
            }
        }
    }

    /**
     * Forgets the origins of {@code partition}'s records below {@code committed}: the group never consumes them again
     * (committed offsets only move forward), and their outcomes are published, so the index stays as small as what
     * is in flight.
     */
    private void prune(int partition, long committed) {
        TreeMap<Long, Long> seqs = localSeqs.get(partition);
        if (seqs == null)
            return;
        SortedMap<Long, Long> below = seqs.headMap(committed);
        for (Long seq : below.values())
            origins.remove(seq);
        below.clear();
    }

    /** Tasks put so far by this bridge process. */
    public long putCount() {
        return putCount;
    }

    /** Outcomes published (committed) so far by this bridge process. */
    public long publishedCount() {
        return publishedCount;
    }

    @Override
    public void close() {
        // A transaction still in flight (run() stopped by an exception) is aborted by the producer's close below.
        committer.shutdown();
        try {
            if (consumer != null)
                consumer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.warn("bridge host {}: leaving the group failed: {}", hostId, e.toString());
        }
        try {
            if (kafkaProducer != null)
                kafkaProducer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.warn("bridge host {}: closing the producer failed: {}", hostId, e.toString());
        }
        LOG.info("bridge host {}: put {} tasks, published {} outcomes in {} transactions ({} aborted)", hostId,
                putCount, publishedCount, transactions, aborted);
        results.close();
        originLog.close();
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("Cannot release the bridge lock: {}", e.toString());
        }
        closeQuietly(lockChannel);
        producer.close();
    }

    /** Commits what is finished before partitions go, then forgets them; starts new ones at their committed offsets. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            collectOutcomes();
            // Waits for the transaction in flight first: it belongs to the generation that ends here.
            commit(false);
            for (TopicPartition tp : partitions)
                queue.forget(tp.partition());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The transaction in flight, of a generation that is gone, fails; its batch goes back before forgetting.
            endTransaction(true, false);
            for (TopicPartition tp : partitions)
                queue.forget(tp.partition());
            LOG.warn("bridge host {}: lost {} without committing (the group moved on without it)", hostId,
                    partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            List<Integer> ps = new ArrayList<>();
            for (TopicPartition tp : partitions)
                ps.add(tp.partition());
            start(ps);
        }
    }

    /** A transaction on the committer thread: its batch, and how it ended once it has. */
    private record Transaction(PublishQueue.Batch batch, Future<Ended> result) {
    }

    /** How a transaction ended: committed, aborted (the bridge goes on), or with a failure that stops the bridge. */
    private record Ended(Kind kind, TaskQException fatal) {
        enum Kind { COMMITTED, ABORTED, FATAL }

        static final Ended COMMITTED = new Ended(Kind.COMMITTED, null);
        static final Ended ABORTED = new Ended(Kind.ABORTED, null);

        static Ended fatal(TaskQException e) {
            return new Ended(Kind.FATAL, e);
        }
    }
}
