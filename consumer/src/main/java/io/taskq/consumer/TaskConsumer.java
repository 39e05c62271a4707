package io.taskq.consumer;

import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;
import io.taskq.common.TaskResult;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.ClaimProtocol;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Ledger;
import io.taskq.common.store.OrphanAdoption;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ProcessLiveness;
import io.taskq.common.store.QueueRetention;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.SlotFigures;
import io.taskq.common.store.SlotState;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
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
 * Not thread-safe: one thread runs it, except {@link #requestStop}, which any thread may call.
 */
public final class TaskConsumer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);
    /** Most tasks one {@link #doWork()} handles, so heartbeats and stop requests are seen promptly. */
    private static final int MAX_TASKS_PER_WORK = 256;
    private static final long TAKE_PATIENCE_MILLIS = 1000;

    private final DataDirectory data;
    private final Ledger ledger;
    private final int index;
    private final ResultSlot slot;
    private final ClaimProtocol claims;
    private final OrphanAdoption adoption;
    private final TaskReader reader;
    private final TaskHandler handler;
    private final int batchSize;
    /** The idle strategy's name, for {@link #run(boolean)}. */
    private final String idle;
    private final long heartbeatMillis;
    private final long leaseMillis;
    private final long ownerWord = ResultSlot.ownerWord(ProcessLiveness.currentPid(),
            ProcessLiveness.currentStartMillis());
    private final SlotFigures mirror = new SlotFigures();
    private final QueuedTask task = new QueuedTask();
    private final TaskResult result = new TaskResult();

    private long batchLo;
    private long next;
    private long hi;
    private long nextHeartbeat;
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
        this.adoption = new OrphanAdoption(ledger, data.slots(), claims);
        this.handler = handler;
        this.batchSize = settings.batchSize();
        this.idle = settings.idle();
        this.heartbeatMillis = settings.heartbeat().toMillis();
        this.leaseMillis = settings.lease().toMillis();
        if (!auto)
            takeSlot();
        startOwning();
        try {
            this.reader = new TaskReader(data.queue(), slot, new QueueRetention(data, settings.keepCycles()));
            resume();
            // Shown as a live consumer (IDLE or RUNNING) only now that it can claim: produce --wait-consumers counts
            // those, and a consumer still opening its reader would let the first tasks all go to the others.
            if (state == SlotState.IDLE)
                slot.state(SlotState.IDLE);
        } catch (RuntimeException e) {
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
     * holder is given {@value #TAKE_PATIENCE_MILLIS} ms to let go, because an adopter holds an orphaned slot for the
     * few microseconds it takes to move its batch.
     */
    private void takeSlot() {
        long deadline = System.currentTimeMillis() + TAKE_PATIENCE_MILLIS;
        for (; ; ) {
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

    /** Now that the slot is ours: load its figures and stamp a fresh heartbeat. */
    private void startOwning() {
        slot.readFigures(mirror);
        slot.heartbeat(System.currentTimeMillis());
    }

    private void resume() {
        OrphanAdoption.settleAdopterOf(data.slots(), slot);
        OrphanAdoption.settleOwnAdoption(data.slots(), slot);
        claims.settle(index, slot);
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
     * Claims a batch if none is in hand, then handles up to {@value #MAX_TASKS_PER_WORK} tasks of it.
     *
     * @return the number of tasks handled; 0 when there was nothing to do
     * @throws Exception whatever the handler threw; that task is not committed
     */
    public int doWork() throws Exception {
        long now = System.currentTimeMillis();
        if (now >= nextHeartbeat) {
            slot.heartbeat(now);
            nextHeartbeat = now + heartbeatMillis;
        }
        if (next >= hi) {
            if (stopRequested)
                return 0;
            if (now >= nextOrphanScan) {
                nextOrphanScan = now + heartbeatMillis;
                long adopted = adoption.adoptOne(index, slot, ownerWord, leaseMillis, now);
                if (adopted > 0) {
                    batchLo = slot.claimLo();
                    next = batchLo;
                    hi = batchLo + adopted;
                    setState(SlotState.RUNNING);
                    LOG.info("Slot {}: adopted the orphaned seqs [{}, {}) of slot {}", index, batchLo, hi,
                            slot.adoptedFrom());
                }
            }
        }
        if (next >= hi) {
            long claimed = claims.claim(index, slot, batchSize);
            if (claimed == 0) {
                setState(SlotState.IDLE);
                return 0;
            }
            batchLo = slot.claimLo();
            next = batchLo;
            hi = batchLo + claimed;
            setState(SlotState.RUNNING);
        }
        int handled = 0;
        while (next < hi && handled < MAX_TASKS_PER_WORK) {
            if (!reader.read(next, task)) {
                releaseSeqsBeyondEndOfStream();
                break;
            }
            slot.countAttempt();
            handler.handle(task, result);
            commit();
            handled++;
            if (stopRequested && System.nanoTime() >= stopDeadlineNanos)
                break;
        }
        return handled;
    }

    private void commit() {
        long now = System.nanoTime();
        long latency = now - task.createdNanos();
        SlotFigures f = mirror;
        f.done++;
        f.sumValue += result.value();
        f.sumPayload += result.payload();
        f.lastSeq = next;
        f.lastResultValue = result.value();
        f.lastResultPayload = result.payload();
        f.batchLo = batchLo;
        f.batchHi = hi;
        f.doneUpTo = next + 1;
        f.latencySumNanos += latency;
        slot.publishFigures(f);
        slot.recordLatency(latency, now);
        next++;
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
        LOG.warn("Slot {}: seqs [{}, {}) were claimed but never written (a producer stopped mid-put); the stream "
                + "ended at {}", index, next, hi, sealed);
        mirror.batchLo = batchLo;
        mirror.batchHi = hi;
        mirror.doneUpTo = hi;
        slot.publishFigures(mirror);
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
        if (sealed < 0 || next < hi || Ledger.claimPosition(ledger.claimCursor()) < sealed)
            return false;
        long now = System.currentTimeMillis();
        if (now < nextEndOfStreamCheck)
            return false;
        nextEndOfStreamCheck = now + Math.min(heartbeatMillis, 100);
        return Progress.read(data).allDone();
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
     * @throws Exception whatever the handler threw; that task is not committed
     */
    public boolean run(boolean exitOnEndOfStream) throws Exception {
        return run(IdleStrategies.create(idle), exitOnEndOfStream);
    }

    /**
     * Runs until stopped, or until end of stream when {@code exitOnEndOfStream}, waiting for work with {@code pauser}.
     *
     * @return true if it stopped at end of stream
     * @throws Exception whatever the handler threw; that task is not committed
     */
    public boolean run(Pauser pauser, boolean exitOnEndOfStream) throws Exception {
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
        slot.heartbeat(System.currentTimeMillis());
        slot.state(SlotState.EXITED);
        slot.release(ownerWord);
        if (next < hi)
            LOG.warn("Slot {}: stopped with seqs [{}, {}) claimed but not handled; a consumer with --index {} resumes "
                    + "them, or another consumer adopts them once the heartbeat is older than consumer.lease", index,
                    next, hi, index);
        reader.close();
        data.close();
    }
}
