package io.taskq.consumer;

import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;
import io.taskq.common.TaskResult;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.ClaimProtocol;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.DeadLetters;
import io.taskq.common.store.Ledger;
import io.taskq.common.store.OrphanAdoption;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ProcessLiveness;
import io.taskq.common.store.QueueRetention;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.ResultsLog;
import io.taskq.common.store.SpaceReserve;
import io.taskq.common.store.RetryTable;
import io.taskq.common.store.SlotFigures;
import io.taskq.common.store.SlotState;
import io.taskq.common.wire.DeadLetter;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One consumer: owns result slot {@code index}, claims batches, handles each task and commits its result and
 * task-done in one crash-consistent slot update.
 * <p>
 * It is an agent: {@link #doWork()} handles a bounded amount and returns how much; {@link #run} loops it with an
 * idle strategy. Opening takes the slot (refusing one a live process holds), settles a claim or adoption the previous
 * owner left undecided and resumes its unfinished batch at the first seq not yet committed. Between batches it adopts
 * the unfinished batch of a slot whose owner is gone and whose heartbeat is older than the lease, before it claims
 * new work (see {@link OrphanAdoption}); adopted tasks count in this consumer's slot.
 * <p>
 * <b>Failures.</b> A handler that throws fails that attempt only. The task is scheduled again after a backoff
 * (exponential, with jitter) in one of the slot's retry entries, in the same slot update that closes the attempt, and
 * the consumer goes on with its other tasks; due retries are handled between tasks. After
 * {@code consumer.max-attempts} failed calls the task is dead: counted in the slot and written to the dead-letter
 * queue ({@link DeadLetters}). A consumer whose retry entries are nearly all in use claims less, or nothing, until
 * some are free.
 * <p>
 * <b>Heartbeat and task timeout.</b> A thread of its own stamps the slot's heartbeat, so a long handler call does not
 * look like a dead consumer. With {@code consumer.task-timeout} set, that thread also watches the handler call: one
 * that runs longer is cut off by marking the slot {@link ResultSlot#TIMED_OUT} (after which the call's own commit
 * cannot land) and halting the process with exit code 6. Whoever takes the slot next, a restart with its index or an
 * adopter, counts that call as a failed attempt.
 * <p>
 * Not thread-safe: one thread runs it, except {@link #requestStop}, which any thread may call.
 */
public final class TaskConsumer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);
    /** Most tasks one {@link #doWork()} handles, so heartbeats and stop requests are seen promptly. */
    private static final int MAX_TASKS_PER_WORK = 256;
    /** Longest a group gathers, from its first task's commit to the commit that closes it. */
    static final long MAX_GROUP_NANOS = 100_000;
    /** Most record bytes a group gathers (result bodies can be large). */
    private static final long MAX_GROUP_BYTES = 64 * 1024;
    /** Space to ask for before a dead letter: its task, error and the first lines of the stack trace, generously. */
    private static final int DEAD_LETTER_BYTES = 8 * 1024;
    /** A consumer's space check frees nothing before it gives up: retention runs on the reader's roll. */
    private static final Runnable NOTHING_TO_RECLAIM = () -> { };
    /**
     * How long a starting consumer waits for a live process to let go of its slot: an adopter holds an orphaned slot
     * while it moves its work, which takes microseconds, or longer when it writes the slot's first dead letter.
     */
    private static final long TAKE_PATIENCE_MILLIS = 5000;

    private final DataDirectory data;
    private final Ledger ledger;
    private final int index;
    private final ResultSlot slot;
    private final ClaimProtocol claims;
    private final OrphanAdoption adoption;
    private final TaskReader reader;
    private final TaskHandler handler;
    private final int batchSize;
    private final int maxAttempts;
    private final long retryBackoffMillis;
    private final long retryMaxBackoffMillis;
    private final RetryTable retries;
    /**
     * Copies of the tasks this consumer scheduled for a retry, by retry entry, so that a retry does not move the
     * tailer back to re-read its task (a seek each way, which made failures costly). An entry whose copy is missing
     * or is of another seq (adopted, or from before a restart) is read from the queue.
     */
    private final QueuedTask[] retryTasks = new QueuedTask[ResultSlot.RETRY_CAPACITY];
    private final DeadLetters deadLetters;
    /** When the earliest retry entry is due, epoch millis; Long.MAX_VALUE when there is none. */
    private long nextRetryDue = Long.MAX_VALUE;
    private long failuresLogged;
    private long deadLogged;
    /** The task timeout in nanos, 0 when off. */
    private final long taskTimeoutNanos;
    /** System.nanoTime when the handler call in progress started, 0 between calls; only with a task timeout. */
    private final AtomicLong callStart = new AtomicLong();
    /** The call in progress: its seq, its retry entry (-1: batch) and its failures before; read by the watchdog. */
    private volatile long callSeq;
    private volatile int callEntry;
    private volatile long callFailedBefore;
    /** True while recording a timed-out call found on taking the slot: publishes may clear the TIMED_OUT flag. */
    private boolean recovering;
    /** Set once the slot is recovered: a fence seen after that was set while this consumer held the slot. */
    private volatile boolean resumed;
    /** Set by the first thread that finds the slot fenced; it halts the process. */
    private final AtomicBoolean halting = new AtomicBoolean();
    /** True while the slot carries a fence set before this consumer took it (see {@link #resume}). */
    private boolean fencedBeforeUs;
    private final Thread watchdog;
    private volatile boolean watching = true;
    /** The idle strategy's name, for {@link #run(boolean)}. */
    private final String idle;
    private final long heartbeatMillis;
    private final long leaseMillis;
    private final long ownerWord = ResultSlot.ownerWord(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
    private final SlotFigures mirror = new SlotFigures();
    private final QueuedTask task = new QueuedTask();
    private final TaskResult result = new TaskResult();
    /** This slot's results log writer ({@code results/slot-N}), opened with the slot; null with results off. */
    private final ResultsLog.Writer resultsOut;
    /** Stops the consumer cleanly before a full disk would break the results log or the dead letters. */
    private final SpaceReserve space;
    /** Writers of other slots' results, for outcomes this consumer records in a slot it took over. */
    private final Map<Integer, ResultsLog.Writer> otherResults = new HashMap<>();

    /** Most tasks in a group ({@code consumer.commit-group}, see {@link #flushGroup}). */
    private final int maxGroup;
    /** False with a task timeout: its watchdog needs every task published before the next call starts. */
    private final boolean grouping;
    /** Batch tasks done and counted in the mirror but not published yet: the group ({@link #flushGroup}). */
    private int grouped;
    private long groupStartNanos;
    private long batchLo;
    private long next;
    private long hi;
    private long nextOrphanScan;
    private long nextEndOfStreamCheck;
    private SlotState state = SlotState.IDLE;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean stopRequested;
    private boolean closed;

    private TaskConsumer(DataDirectory data, ConsumerSettings settings, TaskHandler handler) {
        this.data = data;
        this.ledger = data.ledger();
        boolean auto = settings.index() == ConsumerSettings.AUTO_INDEX;
        this.index = auto ? takeLowestFreeSlot() : settings.index();
        if (index < 0 || index >= data.slots().size())
            throw TaskQException.usage("--index=" + index + ": must be 0.." + (data.slots().size() - 1)
                    + " (the data directory " + data.dir() + " has " + data.slots().size() + " slots)");
        this.slot = data.slots().slot(index);
        this.claims = new ClaimProtocol(ledger, data.slots());
        this.adoption = new OrphanAdoption(ledger, data.slots(), claims, this::ensureDeadLetter,
                this::recordTimedOutCall, data.results());
        this.handler = handler;
        this.batchSize = settings.batchSize();
        this.maxAttempts = settings.maxAttempts();
        this.retryBackoffMillis = settings.retryBackoff().toMillis();
        this.retryMaxBackoffMillis = settings.retryMaxBackoff().toMillis();
        this.retries = new RetryTable(slot);
        this.deadLetters = data.deadLetters();
        long floor = settings.minFreeBytes() / 2;
        this.space = SpaceReserve.of(data.dir(), floor, "half of queue.min-free-bytes (" + SpaceReserve.bytes(floor)
                + ")", "this consumer stops before it records another outcome; free space and restart it (the task in "
                + "hand is handled again)");
        this.taskTimeoutNanos = settings.taskTimeout().toNanos();
        this.maxGroup = settings.commitGroup();
        this.grouping = taskTimeoutNanos == 0 && maxGroup > 1;
        this.idle = settings.idle();
        this.heartbeatMillis = settings.heartbeat().toMillis();
        this.leaseMillis = settings.lease().toMillis();
        if (!auto)
            takeSlot();
        startOwning();
        // The heartbeat from the start: opening the queues and recovering the slot can take seconds on a loaded
        // machine, and a slot whose live owner stops stamping it for a lease is taken over (fenced).
        this.watchdog = new Thread(this::watch, "taskq-slot-" + index + "-heartbeat");
        watchdog.setDaemon(true);
        watchdog.start();
        ResultsLog.Writer out = null;
        try {
            if (settings.results() || data.results().exists(index))
                out = data.results().writer(index);
            this.resultsOut = settings.results() ? out : null;
            this.reader = new TaskReader(data.queue(), slot, new QueueRetention(data, settings.keepCycles()));
            resume(out);
            if (resultsOut == null && out != null)
                out.close(); // opened only to void a record left by an earlier run with results on
            resumed = true;
            // Shown as a live consumer (IDLE or RUNNING) only now that it can claim: produce --wait-consumers counts
            // those, and a consumer still opening its reader would let the first tasks all go to the others.
            if (state == SlotState.IDLE)
                slot.state(SlotState.IDLE);
        } catch (RuntimeException e) {
            watching = false;
            LockSupport.unpark(watchdog);
            if (out != null)
                out.close();
            slot.release(ownerWord);
            throw e;
        }
    }

    /**
     * Opens (creating if needed) the data directory and takes slot {@code settings.index()}, or the lowest free slot
     * when that is {@link ConsumerSettings#AUTO_INDEX}; {@link #index()} tells which.
     */
    public static TaskConsumer open(ConsumerSettings settings, TaskHandler handler) {
        DataDirectory data = DataDirectory.openOrCreate(settings.dataDir(), settings.slots(), settings.rollCycle(),
                settings.access());
        try {
            return new TaskConsumer(data, settings, handler);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * Takes the slot with one CAS of its owner word, unless a live process holds it. A dead owner (killed) or one
     * that released it (clean stop) may be replaced; a live one, even another consumer in this JVM, may not. A live
     * holder is given {@value #TAKE_PATIENCE_MILLIS} ms to let go, because an adopter holds an orphaned slot while
     * it moves its work.
     */
    private void takeSlot() {
        long deadline = System.currentTimeMillis() + TAKE_PATIENCE_MILLIS;
        for (; ; ) {
            OrphanAdoption.releaseDeadHold(data.slots(), index);
            long current = slot.ownerWord();
            if (ResultSlot.heldByLiveProcess(current)) {
                if (System.currentTimeMillis() < deadline) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                throw TaskQException.usage("--index=" + index + ": slot " + index + " is in use by live pid "
                        + ResultSlot.pidOf(current) + " (a consumer with this index is already running)");
            }
            if (slot.casOwner(current, ownerWord))
                break;
        }
    }

    /**
     * {@code --index auto}: takes the lowest free slot (see {@link io.taskq.common.store.SlotTable#takeLowestFree}).
     */
    private int takeLowestFreeSlot() {
        int taken = data.slots().takeLowestFree(ownerWord);
        if (taken < 0)
            throw TaskQException.usage("--index=auto: all " + data.slots().size() + " slots of the data directory "
                    + data.dir() + " are held by live consumers");
        LOG.info("Slot {}: taken by --index auto (the lowest slot no live consumer held)", taken);
        return taken;
    }

    /** Now that the slot is ours: stamp a fresh heartbeat. {@link #resume} loads the figures once it has settled. */
    private void startOwning() {
        slot.heartbeat(System.currentTimeMillis());
    }

    private void resume(ResultsLog.Writer out) {
        fencedBeforeUs = slot.fenced();
        OrphanAdoption.settleOwnHold(data.slots(), slot);
        OrphanAdoption.settleAdopterOf(data.slots(), slot);
        OrphanAdoption.settleOwnAdoption(data.slots(), slot);
        claims.settle(index, slot);
        slot.cleanRetryEntries();
        if (out != null && out.voidUnpublished(slot.selectorCount()))
            LOG.info("Slot {}: voided the result record of a commit that never landed", index);
        slot.readFigures(mirror);
        retries.load();
        if (slot.timedOut())
            recordTimedOutCall(index, slot);
        nextRetryDue = retries.count() == 0 ? Long.MAX_VALUE : retries.dueMillis(retries.earliest());
        if (retries.count() > 0)
            LOG.info("Slot {}: {} failed task(s) wait for their retry", index, retries.count());
        if (mirror.pendingDeadSeq >= 0) {
            ensureDeadLetter(index, mirror);
            mirror.pendingDeadSeq = -1;
            publishRecovering(mirror);
        }
        if (fencedBeforeUs) {
            // The previous owner was stopped and its work taken over; it is gone now. Unfence with the figures it
            // was fenced with: its moved batch closed, its retry entries freed.
            LOG.info("Slot {}: its previous consumer's work was taken over while that consumer was stopped", index);
            publishRecovering(mirror);
        }
        long resumeAt = ClaimProtocol.nextInFlight(index, slot, mirror, ledger.claimCursor());
        if (resumeAt >= 0) {
            batchLo = slot.claimLo();
            hi = ResultSlot.claimHi(slot.claimWord());
            next = resumeAt;
            setState(SlotState.RUNNING);
            slot.countRestart();
            LOG.info("Slot {}: resuming the unfinished batch [{}, {}) at seq {}", index, batchLo, hi, next);
        }
    }

    /**
     * Handles the retries that are due, then claims a batch if none is in hand and handles up to
     * {@value #MAX_TASKS_PER_WORK} tasks of it. A handler that throws fails that attempt only (see the class comment).
     *
     * @return the number of handler calls made; 0 when there was nothing to do
     */
    public int doWork() {
        long now = System.currentTimeMillis();
        int handled = now >= nextRetryDue ? handleDueRetries(now) : 0;
        if (next >= hi) {
            if (stopRequested)
                return handled;
            if (now >= nextOrphanScan) {
                nextOrphanScan = now + heartbeatMillis;
                adoptOrphan(now);
            }
        }
        if (next >= hi) {
            int room = Math.min(batchSize, retries.room());
            long claimed = room == 0 ? 0 : claims.claim(index, slot, room);
            if (claimed == 0) {
                setState(retries.count() > 0 ? SlotState.RUNNING : SlotState.IDLE);
                return handled;
            }
            batchLo = slot.claimLo();
            next = batchLo;
            hi = batchLo + claimed;
            setState(SlotState.RUNNING);
        }
        while (next < hi && handled < MAX_TASKS_PER_WORK) {
            if (!reader.read(next, task)) {
                releaseSeqsBeyondEndOfStream();
                break;
            }
            task.attempt(1);
            slot.countAttempt();
            Throwable failure = call(next, -1, 0);
            if (failure == null)
                commit(next, -1);
            else
                fail(next, 0, -1, failure);
            next++;
            handled++;
            if (stopRequested && System.nanoTime() >= stopDeadlineNanos)
                break;
        }
        flushGroup();
        return handled;
    }

    /**
     * Calls the handler for {@link #task}, seq {@code seq} from retry entry {@code entry} (-1: the batch) after
     * {@code failedBefore} failures; returns what it threw, or null. The JVM's own errors are not caught.
     */
    private Throwable call(long seq, int entry, long failedBefore) {
        if (taskTimeoutNanos > 0) {
            callSeq = seq;
            callEntry = entry;
            callFailedBefore = failedBefore;
            callStart.set(System.nanoTime());
        }
        result.reset();
        try {
            handler.handle(task, result);
            return null;
        } catch (VirtualMachineError e) {
            if (e instanceof StackOverflowError)
                return e;
            throw e;
        } catch (Throwable e) { // a handler's failure, whatever it is, is that attempt's
            return e;
        } finally {
            if (taskTimeoutNanos > 0)
                callStart.lazySet(0);
        }
    }

    /**
     * Publishes {@code f}, the mirror. With a task timeout, a publish that finds the slot marked timed out (the
     * watchdog cut this call off) lands nothing, and the process halts as the watchdog is about to make it.
     */
    private void publish(SlotFigures f) {
        if (recovering) {
            publishRecovering(f);
        } else if (!slot.publishFiguresIfCurrent(f)) {
            if (slot.fenced())
                haltTakenOver();
            LOG.error("Slot {}: the call was cut off by consumer.task-timeout; exiting", index);
            Runtime.getRuntime().halt(TaskQException.EXIT_TASK_TIMEOUT);
        }
    }

    /**
     * A publish while recovering the slot just taken: over the flags the previous owner left (a timed-out call, a
     * fence), but not over a fence set since this consumer took the slot (it was stopped right after taking it).
     */
    private void publishRecovering(SlotFigures f) {
        long v = slot.selector();
        if ((v & ResultSlot.FENCED) != 0 && !fencedBeforeUs || !slot.publishFiguresIfSelector(v, f))
            haltTakenOver();
        fencedBeforeUs = false;
    }

    /**
     * This consumer was stopped for longer than the lease and another consumer took its work over (the slot is
     * {@link ResultSlot#FENCED}): nothing it does from here on may land. Halts at once, exit code 7.
     */
    private void haltTakenOver() {
        if (!halting.compareAndSet(false, true)) {
            for (; ; )
                LockSupport.park(); // the other thread (main or heartbeat) is halting the process
        }
        LOG.error("Slot {}: this consumer was stopped for longer than consumer.lease and another consumer took its "
                + "work over; exiting with code {} without landing anything more. Start it again to rejoin", index,
                TaskQException.EXIT_TAKEN_OVER);
        slot.state(SlotState.EXITED);
        Runtime.getRuntime().halt(TaskQException.EXIT_TAKEN_OVER);
    }

    /** The heartbeat thread: stamps the heartbeat and, with a task timeout, cuts off a call that runs too long. */
    private void watch() {
        long tickMillis = heartbeatMillis;
        if (taskTimeoutNanos > 0)
            tickMillis = Math.max(1, Math.min(tickMillis, taskTimeoutNanos / 4_000_000));
        while (watching) {
            if (resumed && slot.fenced())
                haltTakenOver();
            slot.heartbeat(System.currentTimeMillis());
            if (taskTimeoutNanos > 0)
                cutOffStuckCall();
            LockSupport.parkNanos(tickMillis * 1_000_000);
        }
    }

    private void cutOffStuckCall() {
        long started = callStart.get();
        if (started == 0 || System.nanoTime() - started < taskTimeoutNanos)
            return;
        long selector = slot.selector();
        long seq = callSeq;
        int entry = callEntry;
        long failedBefore = callFailedBefore;
        if (callStart.get() != started)
            return; // that call ended meanwhile
        // The commit of the call publishes only if the selector has not moved and is not marked: one of the two wins.
        if (!slot.markTimedOut(selector, seq, entry, failedBefore))
            return;
        LOG.error("Slot {}: seq {} (attempt {}) has run for more than consumer.task-timeout={}; it counts as a failed "
                + "attempt, and this consumer exits with code {} so that its work is resumed or adopted", index, seq,
                failedBefore + 1, taskTimeoutNanos / 1_000_000 + "ms", TaskQException.EXIT_TASK_TIMEOUT);
        slot.state(SlotState.EXITED);
        Runtime.getRuntime().halt(TaskQException.EXIT_TASK_TIMEOUT);
    }

    /**
     * Counts the call that slot {@code x}'s consumer cut off by its task timeout as a failed attempt, in {@code x}'s
     * own figures and retry entries, as its owner would have. Called by whoever took the slot: this consumer on
     * start, or as an adopter holding it.
     */
    private void recordTimedOutCall(int x, ResultSlot s) {
        long seq = s.timedOutSeq();
        int entry = s.timedOutEntry();
        long failedBefore = s.timedOutFailuresBefore();
        SlotFigures f = new SlotFigures();
        s.readFigures(f);
        RetryTable t = x == index ? retries : new RetryTable(s);
        if (t != retries)
            t.load();
        readAgain(seq);
        long lo = s.claimLo();
        long claimHi = ResultSlot.claimHi(s.claimWord());
        TimeoutException error = new TimeoutException("the handler call ran longer than consumer.task-timeout="
                + taskTimeoutNanos / 1_000_000 + "ms");
        LOG.warn("Slot {}: counting the call of seq {} that slot {} cut off by its task timeout as failed attempt {}",
                index, seq, x, failedBefore + 1);
        recovering = true;
        try {
            recordFailure(x, s, f, t, seq, failedBefore, entry, lo, claimHi, error);
        } finally {
            recovering = false;
        }
        if (x == index)
            mirror.copyFrom(f);
    }

    private void adoptOrphan(long now) {
        int before = retries.count();
        long adopted;
        try {
            adopted = adoption.adoptOne(index, slot, ownerWord, mirror, retries, leaseMillis, now);
        } catch (TaskQException e) {
            if (e.exitCode() == TaskQException.EXIT_TAKEN_OVER)
                haltTakenOver();
            throw e;
        }
        int fenced = adoption.lastFenced();
        if (fenced >= 0 && fenced == slot.adoptedFrom() && (adopted > 0 || retries.count() > before))
            LOG.warn("Slot {}: slot {}'s consumer (pid {}) has not stamped its heartbeat for longer than "
                    + "consumer.lease although its process runs (stopped?); took over its {} claimed task(s) and {} "
                    + "task(s) waiting to retry, and fenced it, so it exits if it resumes", index, fenced,
                    data.slots().slot(fenced).ownerPid(), adopted, retries.count() - before);
        if (retries.count() > before) {
            nextRetryDue = retries.dueMillis(retries.earliest());
            LOG.info("Slot {}: adopted {} failed task(s) waiting for their retry from slot {}", index,
                    retries.count() - before, slot.adoptedFrom());
        }
        if (adopted > 0) {
            batchLo = slot.claimLo();
            next = batchLo;
            hi = batchLo + adopted;
            setState(SlotState.RUNNING);
            LOG.info("Slot {}: adopted the orphaned seqs [{}, {}) of slot {}", index, batchLo, hi,
                    slot.adoptedFrom());
        }
    }

    /** Handles retry entries that are due, earliest first, at most {@value #MAX_TASKS_PER_WORK}. */
    private int handleDueRetries(long now) {
        int handled = 0;
        for (int e = retries.earliest(); e >= 0 && retries.dueMillis(e) <= now && handled < MAX_TASKS_PER_WORK;
             e = retries.earliest()) {
            long seq = retries.seq(e);
            QueuedTask copy = retryTasks[e];
            if (copy != null && copy.seq() == seq)
                task.copyFrom(copy);
            else if (!reader.read(seq, task))
                break; // cannot happen for a task read before; try again later
            long failed = retries.failures(e);
            task.attempt((int) failed + 1);
            slot.countAttempt();
            Throwable failure = call(seq, e, failed);
            if (failure == null)
                commit(seq, e);
            else
                fail(seq, failed, e, failure);
            handled++;
        }
        int e = retries.earliest();
        nextRetryDue = e < 0 ? Long.MAX_VALUE : retries.dueMillis(e);
        return handled;
    }

    /**
     * Counts task {@code seq} done: the next seq of the batch, or the task in retry entry {@code retryEntry}. A task
     * of the batch joins the group being gathered (see {@link #flushGroup}); a retried one is published at once.
     */
    private void commit(long seq, int retryEntry) {
        long now = System.nanoTime();
        long latency = now - task.createdNanos();
        boolean join = grouping && retryEntry < 0;
        if (!join)
            flushGroup();
        if (resultsOut != null) {
            if (join) {
                resultsOut.add(seq, task.attempt(), latency, result.value(), result.payload(), result.bodyBuffer(),
                        result.bodyLength());
            } else {
                // Before the figures change: a full disk stops the consumer with this task not counted.
                space.charge(ResultsLog.recordBytes(result.bodyLength()), NOTHING_TO_RECLAIM);
                resultsOut.ok(slot.nextSelector(), seq, task.attempt(), latency, result.value(), result.payload(),
                        result.bodyBuffer(), result.bodyLength());
            }
        }
        SlotFigures f = mirror;
        f.done++;
        f.sumValue += result.value();
        f.sumPayload += result.payload();
        f.lastSeq = seq;
        f.lastResultValue = result.value();
        f.lastResultPayload = result.payload();
        if (retryEntry < 0)
            closeInBatch(seq);
        else
            retries.remove(retryEntry);
        f.latencySumNanos += latency;
        slot.recordLatency(latency, now);
        if (!join) {
            publish(f);
            return;
        }
        if (grouped++ == 0)
            groupStartNanos = now;
        if (grouped >= maxGroup || now - groupStartNanos >= MAX_GROUP_NANOS
                || resultsOut != null && resultsOut.gatheredBytes() >= MAX_GROUP_BYTES)
            flushGroup();
    }

    /**
     * Publishes the group: the batch tasks done since the last publish, counted in the mirror, with their records
     * appended first as one group of the results log. One Chronicle append and one slot publish for up to
     * {@code consumer.commit-group} tasks instead of one each; the price is that a kill repeats the group's calls, at
     * most that many tasks or {@value #MAX_GROUP_NANOS} ns of handling. Every other slot update flushes the
     * group first, and {@link #doWork} flushes it before it returns.
     */
    private void flushGroup() {
        if (grouped == 0)
            return;
        if (resultsOut != null) {
            // Before the publish: a full disk stops the consumer with the group not counted (handled again later).
            space.charge(ResultsLog.groupBytes(resultsOut.gatheredBytes()), NOTHING_TO_RECLAIM);
            resultsOut.flush(slot.nextSelector());
        }
        publish(mirror);
        grouped = 0;
    }

    private void closeInBatch(long seq) {
        mirror.batchLo = batchLo;
        mirror.batchHi = hi;
        mirror.doneUpTo = seq + 1;
    }

    /**
     * Records a failed call of task {@code seq}, which had failed {@code failedBefore} times: in one slot update the
     * attempt is closed and the task either scheduled again or counted dead. A dead task's letter is announced in that
     * update and written right after it, so a kill in between is repaired by whoever takes the slot next.
     */
    private void fail(long seq, long failedBefore, int retryEntry, Throwable error) {
        flushGroup();
        recordFailure(index, slot, mirror, retries, seq, failedBefore, retryEntry, batchLo, hi, error);
        if (retries.count() > 0)
            nextRetryDue = Math.min(nextRetryDue, retries.dueMillis(retries.earliest()));
    }

    /**
     * {@link #fail} for slot {@code x}, held by this process: its own slot, or one it adopts from. {@code f} and
     * {@code t} are that slot's figures and retry table; {@code lo, claimHi} its batch, for a failure in the batch.
     */
    private void recordFailure(int x, ResultSlot s, SlotFigures f, RetryTable t, long seq, long failedBefore,
                               int retryEntry, long lo, long claimHi, Throwable error) {
        long attempts = failedBefore + 1;
        // Opening the dead-letter queue takes a second the first time: do it before anything is announced, at the
        // first failure of this consumer, so that a dead letter is appended right after the update that counts it.
        deadLetters.warm();
        boolean dead = attempts >= maxAttempts;
        if (dead) {
            byte[] lastError = describe(error).getBytes(StandardCharsets.UTF_8);
            // Before the figures change: a full disk stops the consumer with this failure not counted, so the task
            // gets this attempt again after the restart (its letter and result would not fit).
            space.charge(DEAD_LETTER_BYTES + (resultsOut != null ? ResultsLog.recordBytes(lastError.length) : 0),
                    NOTHING_TO_RECLAIM);
            if (resultsOut != null)
                resultsOf(x).dead(s.nextSelector(), seq, (int) attempts, System.nanoTime() - task.createdNanos(),
                        lastError);
        }
        f.failures++;
        if (retryEntry < 0) {
            f.batchLo = lo;
            f.batchHi = claimHi;
            f.doneUpTo = seq + 1;
        } else {
            t.remove(retryEntry);
        }
        if (dead) {
            f.dead++;
            f.deadSerial++;
            f.pendingDeadSeq = seq;
            f.pendingDeadAttempts = attempts;
            publish(s, f);
            deadLetters.append(letter(x, seq, (int) attempts, f.deadSerial, error));
            f.pendingDeadSeq = -1;
            publish(s, f);
            logDead(x, seq, attempts, f.dead, error);
        } else {
            long due = System.currentTimeMillis() + backoffMillis(attempts);
            int entry = t.add(seq, due, attempts, 0);
            if (t == retries && task.seq() == seq)
                keepRetryTask(entry);
            publish(s, f);
            logFailure(x, seq, attempts, due, error);
        }
    }

    /** The results writer of slot {@code x}: this consumer's own, or one for a slot it holds. */
    private ResultsLog.Writer resultsOf(int x) {
        return x == index ? resultsOut : otherResults.computeIfAbsent(x, data.results()::writer);
    }

    private void keepRetryTask(int entry) {
        QueuedTask copy = retryTasks[entry];
        if (copy == null)
            retryTasks[entry] = copy = new QueuedTask();
        copy.copyFrom(task);
    }

    private void publish(ResultSlot s, SlotFigures f) {
        if (s == slot)
            publish(f);
        else
            s.publishFigures(f);
    }

    /** The wait after the {@code failures}-th failure: the backoff doubled per earlier failure, capped, 50..100%. */
    private long backoffMillis(long failures) {
        long full = retryBackoffMillis;
        for (long i = 1; i < failures && full < retryMaxBackoffMillis; i++)
            full *= 2;
        full = Math.min(full, retryMaxBackoffMillis);
        return full / 2 + ThreadLocalRandom.current().nextLong(full - full / 2 + 1);
    }

    private DeadLetter letter(int x, long seq, int attempts, long serial, Throwable error) {
        DeadLetter d = new DeadLetter();
        d.seq = seq;
        d.attempts = attempts;
        d.slot = x;
        d.serial = serial;
        d.failedAtMillis = System.currentTimeMillis();
        if (error != null) {
            d.errorClass = error.getClass().getName();
            d.errorMessage = error.getMessage() == null ? "" : error.getMessage();
            StringBuilder stack = new StringBuilder();
            StackTraceElement[] frames = error.getStackTrace();
            for (int i = 0; i < Math.min(8, frames.length); i++)
                stack.append(i == 0 ? "" : "\n").append("at ").append(frames[i]);
            d.stack = stack.toString();
        } else {
            d.errorClass = "";
            d.errorMessage = DeadLetter.ERROR_NOT_RECORDED;
        }
        d.createdNanos = task.createdNanos();
        d.value = task.value();
        d.payload = task.payload();
        d.body = task.bodyBytes();
        return d;
    }

    /** Reads task {@code seq} into {@link #task} again: it was read before, so it is in the queue, a rewind away. */
    private void readAgain(long seq) {
        while (!reader.read(seq, task))
            LockSupport.parkNanos(1_000_000);
    }

    /**
     * Writes the dead letter slot {@code slotIndex} announced in {@code figures} unless the queue has it: a consumer
     * was killed between counting the task dead and writing its letter. The error died with that consumer.
     */
    private void ensureDeadLetter(int slotIndex, SlotFigures figures) {
        if (deadLetters.containsRecord(slotIndex, figures.deadSerial))
            return;
        long seq = figures.pendingDeadSeq;
        readAgain(seq);
        deadLetters.append(letter(slotIndex, seq, (int) figures.pendingDeadAttempts, figures.deadSerial, null));
        LOG.warn("Slot {}: wrote the dead letter of seq {} that slot {} counted before it was stopped", index, seq,
                slotIndex);
    }

    private void logFailure(int x, long seq, long attempts, long due, Throwable error) {
        if (++failuresLogged <= 10 || LOG.isDebugEnabled())
            LOG.warn("Slot {}: seq {} failed attempt {} of {} ({}); retrying in {} ms{}", x, seq, attempts,
                    maxAttempts, describe(error), Math.max(0, due - System.currentTimeMillis()),
                    failuresLogged == 10 ? " (further failures are logged at debug level)" : "");
    }

    private void logDead(int x, long seq, long attempts, long deadInSlot, Throwable error) {
        long n = ++deadLogged;
        if (n <= 10 || Long.bitCount(n) == 1 || LOG.isDebugEnabled())
            LOG.warn("Slot {}: seq {} is dead after {} attempts ({}); {} dead in this slot, see taskq dead", x,
                    seq, attempts, describe(error), deadInSlot);
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getName()
                : error.getClass().getName() + ": " + error.getMessage();
    }

    /**
     * A producer killed after publishing {@code submitted} but before its excerpt was committed leaves one seq that
     * was claimable but never written; the next producer's repair hands that seq out again, so normally it arrives.
     * If the stream is sealed first, seqs at or past the sealed count never will: close the batch there, in one
     * slot update that counts nothing.
     */
    private void releaseSeqsBeyondEndOfStream() {
        long sealed = ledger.sealedCount();
        if (sealed < 0 || next < sealed)
            return;
        flushGroup();
        LOG.warn("Slot {}: seqs [{}, {}) were claimed but never written (a producer stopped mid-put); the stream "
                + "ended at {}", index, next, hi, sealed);
        mirror.batchLo = batchLo;
        mirror.batchHi = hi;
        mirror.doneUpTo = hi;
        publish(mirror);
        next = hi;
    }

    private void setState(SlotState s) {
        if (state != s) {
            state = s;
            slot.state(s);
        }
    }

    /**
     * True when the stream is sealed and every task in it is done, this consumer's batch included. A consumer does
     * not leave while another slot still has an unfinished batch, because that slot's owner may die and leave it to
     * be adopted. Reading every slot is left for when the cheap conditions hold, at most once per heartbeat.
     */
    public boolean reachedEndOfStream() {
        long sealed = ledger.sealedCount();
        if (sealed < 0 || next < hi || retries.count() > 0 || Ledger.claimPosition(ledger.claimCursor()) < sealed)
            return false;
        long now = System.currentTimeMillis();
        if (now < nextEndOfStreamCheck)
            return false;
        nextEndOfStreamCheck = now + Math.min(heartbeatMillis, 100);
        return Progress.read(data).allDone();
    }

    /** Tasks of this slot waiting for a retry. */
    public int retriesWaiting() {
        return retries.count();
    }

    /** True while a claimed batch is unfinished. */
    public boolean hasBatchInHand() {
        return next < hi;
    }

    /**
     * Runs until stopped, or until end of stream when {@code exitOnEndOfStream}, waiting for work with the idle
     * strategy the settings name ({@code consumer.idle}).
     *
     * @return true if it stopped at end of stream
     */
    public boolean run(boolean exitOnEndOfStream) {
        return run(IdleStrategies.create(idle), exitOnEndOfStream);
    }

    /**
     * Runs until stopped, or until end of stream when {@code exitOnEndOfStream}, waiting for work with {@code pauser}.
     *
     * @return true if it stopped at end of stream
     */
    public boolean run(Pauser pauser, boolean exitOnEndOfStream) {
        for (; ; ) {
            int work = doWork();
            if (work > 0) {
                pauser.reset();
                continue;
            }
            if (stopRequested && (next >= hi || System.nanoTime() >= stopDeadlineNanos))
                return false;
            if (exitOnEndOfStream && reachedEndOfStream())
                return true;
            pauser.pause();
        }
    }

    /**
     * Asks {@link #run} to stop: it finishes the claimed batch for at most {@code graceNanos}, then stops after the
     * task in hand. Any thread.
     */
    public void requestStop(long graceNanos) {
        stopDeadlineNanos = System.nanoTime() + graceNanos;
        stopRequested = true;
    }

    public int index() {
        return index;
    }

    /** The owner's copy of this slot's figures. */
    public SlotFigures figures() {
        return mirror;
    }

    /** Marks the slot EXITED (its unfinished batch, if any, stays recorded for a restart) and releases files. */
    @Override
    public void close() {
        if (closed)
            return;
        closed = true;
        watching = false;
        LockSupport.unpark(watchdog);
        try {
            watchdog.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slot.heartbeat(System.currentTimeMillis());
        slot.state(SlotState.EXITED);
        slot.release(ownerWord);
        if (next < hi)
            LOG.warn("Slot {}: stopped with seqs [{}, {}) claimed but not handled; a consumer with --index {} resumes "
                    + "them, or another consumer adopts them once the heartbeat is older than consumer.lease", index,
                    next, hi, index);
        if (retries.count() > 0)
            LOG.warn("Slot {}: stopped with {} failed task(s) waiting for their retry; they wait in the slot like an "
                    + "unfinished batch", index, retries.count());
        reader.close();
        if (resultsOut != null)
            resultsOut.close();
        otherResults.values().forEach(ResultsLog.Writer::close);
        data.close();
    }
}
