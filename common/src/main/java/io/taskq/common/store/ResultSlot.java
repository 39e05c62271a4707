package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.bytes.Byteable;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;

import java.lang.invoke.VarHandle;

/**
 * One consumer's result slot: a fixed-size value in the results Chronicle Map, bound in place (never copied) so
 * that every read and write goes straight to the mapped file without Chronicle Map's segment locks.
 * <pre>
 *    0 magic "TASKQSLT"     8 schema version (int)   12 slot index (int)
 *   16 owner word (CAS): pid, the owner's start time and a released flag, see {@link #ownerWord(long, long)}
 *   24 adopt token: the token of this slot's latest adoption (see {@link OrphanAdoption})
 *   32 state               40 heartbeat (epoch millis)   48 owner since (epoch millis)
 *   56 restarts            64 claimLo                    72 claim word: (claimHi << 2) | claim status
 *   80 System.nanoTime of the last commit (statistics)
 *   88 adopter: 1 + the index of a slot adopting this slot's batch, 0 if none (see {@link OrphanAdoption})
 *   96 adopted from: the slot an adopting claim (claim status ADOPTING) takes its batch from
 *  104 attempts: tasks handed to the handler (statistics; attempts - done - failures = calls repeated after a kill)
 *  112 adopted: tasks this slot took over from orphaned slots (statistics)
 *  120 reader cycle: 1 + the roll cycle of tasks/ the owner's tailer is in, 0 before its first task (retention)
 *  128 selector: the number of figure updates so far (bits 0..60); copy (count &amp; 1) is current, or the fence
 *      copy when bit 61 {@link #FENCED} is set; bit 62 {@link #TIMED_OUT}
 *  136 retry high water: retry entries ever used (readers scan that many)
 *  144 adoptions: adoptions this slot started, for unique adopt tokens
 *  152 timed-out seq, 160 its retry entry + 1 (0: the batch's next seq), 168 its failures before: the call that
 *      {@code consumer.task-timeout} cut off, valid while the selector carries {@link #TIMED_OUT}
 *  192 figures copy 0      384 figures copy 1    (16 longs and a checksum each)
 *  576 latency max nanos  584 latency count     592 latency buckets (see {@link LatencyBuckets})
 * 3584 fence copy of the figures: written by the consumer that took over this slot's work while its owner was
 *      stopped, current while the selector carries {@link #FENCED}
 * 3776 hold record: 1 + the index of the slot this slot's consumer holds as an adopter (0: none), 3784 the owner word
 *      it replaced there, 3792 the hold word it put there (see {@link OrphanAdoption#releaseDeadHold})
 * 4096 retry entries: {@value #RETRY_CAPACITY} of 48 bytes: seq, due (epoch millis), failures, adopt tag,
 *      born, died (see {@link #retryEntryValid})
 * </pre>
 * <b>Writers.</b> Only the owner writes, with these exceptions: a consumer that moves the claim cursor past another
 * slot's claim confirms that claim (a CAS of the claim word, see {@link ClaimProtocol}); a consumer that takes over a
 * slot decides the adopting claim a dead adopter left pending on it (see {@link OrphanAdoption}); and a consumer that
 * takes over the work of a stopped owner writes the fence copy and then fences the slot with one CAS of the selector
 * ({@link #fence}), after which none of the stopped owner's publishes can land.
 * <p>
 * <b>Crash consistency.</b> The owner writes new figures into the copy the selector does not point at, then
 * publishes them with one ordered write of the selector. A kill at any instruction leaves the old or the new
 * figures whole. Readers use the selector as a seqlock and check each copy's checksum.
 */
public final class ResultSlot implements Byteable {
    /** Retry entries per slot: tasks in backoff that one slot can hold at once. */
    public static final int RETRY_CAPACITY = 512;
    private static final int ENTRY_SIZE = 48;
    private static final int OFF_ENTRIES = 4096;
    public static final int SIZE = OFF_ENTRIES + RETRY_CAPACITY * ENTRY_SIZE;

    private static final int OFF_MAGIC = 0;
    private static final int OFF_VERSION = 8;
    private static final int OFF_INDEX = 12;
    private static final int OFF_OWNER = 16;
    private static final int OFF_ADOPT_TOKEN = 24;
    private static final int OFF_STATE = 32;
    private static final int OFF_HEARTBEAT = 40;
    private static final int OFF_OWNER_SINCE = 48;
    private static final int OFF_RESTARTS = 56;
    private static final int OFF_CLAIM_LO = 64;
    private static final int OFF_CLAIM_WORD = 72;
    private static final int OFF_LAST_COMMIT = 80;
    private static final int OFF_ADOPTER = 88;
    private static final int OFF_ADOPTED_FROM = 96;
    private static final int OFF_ATTEMPTS = 104;
    private static final int OFF_ADOPTED = 112;
    private static final int OFF_READER_CYCLE = 120;
    private static final int OFF_SELECTOR = 128;
    private static final int OFF_RETRY_HIGH_WATER = 136;
    private static final int OFF_ADOPTIONS = 144;
    private static final int OFF_TIMEOUT_SEQ = 152;
    private static final int OFF_TIMEOUT_ENTRY = 160;
    private static final int OFF_TIMEOUT_FAILURES = 168;
    /**
     * Selector flag: the owner's watchdog cut off a handler call that ran longer than {@code consumer.task-timeout},
     * and the owner's process halts. A set flag makes every later {@link #publishFiguresUnlessTimedOut} fail, so the
     * call's own commit cannot land after it; whoever takes the slot next counts the call as a failed attempt
     * and publishes with {@link #publishFigures}, which clears the flag.
     */
    public static final long TIMED_OUT = 1L << 62;
    /**
     * Selector flag: another consumer took over this slot's work while its owner process was stopped (frozen, its
     * heartbeat older than the lease). The current figures are the fence copy, which closes the batch that was moved
     * and keeps everything counted before; retry entries are not valid (they were moved). A set flag makes every
     * later {@link #publishFiguresIfCurrent} fail, so the stopped owner, once it resumes, lands nothing and halts.
     * Whoever takes the slot after that owner is gone publishes with {@link #publishFigures}, which clears the flag.
     */
    public static final long FENCED = 1L << 61;
    private static final long FLAGS = TIMED_OUT | FENCED;
    private static final long COUNT_MASK = FENCED - 1;
    private static final int OFF_COPY0 = 192;
    private static final int OFF_FENCE_COPY = 3584;
    private static final int OFF_HOLD_INDEX = 3776;
    private static final int OFF_HOLD_FROM = 3784;
    private static final int OFF_HOLD_WORD = 3792;
    private static final int OFF_LAT_MAX = 576;
    private static final int OFF_LAT_COUNT = 584;
    private static final int OFF_LAT_BUCKETS = 592;

    public static final int CLAIM_NONE = 0;
    public static final int CLAIM_PENDING = 1;
    public static final int CLAIM_CONFIRMED = 2;
    /** The slot is taking over another slot's unfinished batch; decided by {@link OrphanAdoption}. */
    public static final int CLAIM_ADOPTING = 3;

    static {
        if (OFF_COPY0 + 2 * SlotFigures.COPY_SIZE > OFF_LAT_MAX
                || OFF_LAT_BUCKETS + LatencyBuckets.COUNT * 8 > OFF_FENCE_COPY
                || OFF_FENCE_COPY + SlotFigures.COPY_SIZE > OFF_HOLD_INDEX || OFF_HOLD_WORD + 8 > OFF_ENTRIES)
            throw new AssertionError("slot layout overflows " + SIZE + " bytes");
    }

    private BytesStore<?, ?> store;
    private long base;
    /** The map file, for messages; set by {@link #validate}. */
    private String file = "results map";

    @Override
    @SuppressWarnings("rawtypes")
    public void bytesStore(BytesStore bytesStore, long offset, long length) {
        if (length != SIZE)
            throw new IllegalArgumentException("result slot length " + length + ", expected " + SIZE);
        // The map hands out its query context's reusable pointer, which it re-points for the next query; keep a
        // pointer of our own to the entry's mapped memory, which stays put for as long as the map is open.
        long address = bytesStore.addressForWrite(offset);
        if (address % 8 != 0)
            throw new IllegalArgumentException("result slot at address " + address + " is not 8-byte aligned");
        PointerBytesStore own = BytesStore.nativePointer();
        own.set(address, SIZE);
        this.store = own;
        this.base = 0;
    }

    @Override
    public BytesStore<?, ?> bytesStore() {
        return store;
    }

    @Override
    public long offset() {
        return base;
    }

    @Override
    public long maxSize() {
        return SIZE;
    }

    // ---- header ----

    /** Writes the header and an empty first copy of the figures; done once when the data directory is created. */
    void format(int index) {
        SlotFigures empty = new SlotFigures();
        writeCopy(0, empty);
        store.writeLong(base + OFF_SELECTOR, 0);
        store.writeInt(base + OFF_VERSION, Schema.VERSION);
        store.writeInt(base + OFF_INDEX, index);
        store.writeOrderedLong(base + OFF_MAGIC, Schema.SLOT_MAGIC);
    }

    /**
     * Refuses a slot with a foreign magic, another schema version or the wrong index; {@code file} starts the message.
     */
    void validate(int index, String file) {
        long magic = store.readVolatileLong(base + OFF_MAGIC);
        if (magic != Schema.SLOT_MAGIC)
            throw TaskQException.usage(file + ": slot " + index + " is not a TaskQ result slot (bad magic 0x"
                    + Long.toHexString(magic) + ")");
        int version = store.readInt(base + OFF_VERSION);
        if (version != Schema.VERSION)
            throw TaskQException.usage(file + ": slot " + index + " written by schema version "
                    + version + ", this build reads schema version " + Schema.VERSION);
        int stored = store.readInt(base + OFF_INDEX);
        if (stored != index)
            throw TaskQException.usage(file + ": slot " + index + " is marked as slot " + stored + " (damaged)");
        this.file = file;
    }

    // ---- ownership and liveness ----

    /** Owner-word bit set when the owner stopped cleanly and gave the slot up. */
    private static final long RELEASED = 1L << 63;
    /**
     * Owner-word bit set while an adopter holds the slot to move its work (see {@link OrphanAdoption}): the pid is
     * then the adopter's, not a consumer of this slot, so a stale heartbeat does not make the slot frozen.
     */
    private static final long HOLDING = 1L << 62;
    /** 2020-01-01T00:00:00Z: owner start times are stored in seconds since then, in 30 bits (until 2054). */
    private static final long START_EPOCH_SECONDS = 1_577_836_800L;

    /**
     * The owner word for a process: its pid in bits 0..31 and its start time, in seconds since 2020, in bits
     * 32..61. One CAS of this word takes the slot, so no reader ever sees a new pid with an old start time.
     */
    public static long ownerWord(long pid, long startMillis) {
        long start = startMillis <= 0 ? 0 : Math.max(0, startMillis / 1000 - START_EPOCH_SECONDS) & 0x3FFF_FFFFL;
        return (start << 32) | (pid & 0xFFFF_FFFFL);
    }

    public static long pidOf(long ownerWord) {
        return ownerWord & 0xFFFF_FFFFL;
    }

    /** The owner's start time in epoch millis (whole seconds), or 0 if unknown. */
    public static long startMillisOf(long ownerWord) {
        long start = (ownerWord >>> 32) & 0x3FFF_FFFFL;
        return start == 0 ? 0 : (start + START_EPOCH_SECONDS) * 1000;
    }

    /** True if the owner gave the slot up when it stopped. */
    public static boolean released(long ownerWord) {
        return (ownerWord & RELEASED) != 0;
    }

    /** {@code ownerWord} with the released flag set: the same owner, no longer holding the slot. */
    public static long releasedWord(long ownerWord) {
        return (ownerWord & ~HOLDING) | RELEASED;
    }

    /** {@code ownerWord} as an adopter's: the same process, holding another consumer's slot for a moment. */
    public static long holdingWord(long ownerWord) {
        return ownerWord | HOLDING;
    }

    /** True if {@code ownerWord} is an adopter's hold (see {@link #holdingWord}), not a consumer of the slot. */
    public static boolean holding(long ownerWord) {
        return (ownerWord & HOLDING) != 0;
    }

    /**
     * Records, before taking slot {@code x} as an adopter, which owner word the hold replaces and which it puts there,
     * so that the slot can be given back if this consumer dies holding it. Owner only.
     */
    void recordHold(int x, long from, long holdWord) {
        store.writeOrderedLong(base + OFF_HOLD_FROM, from);
        store.writeOrderedLong(base + OFF_HOLD_WORD, holdWord);
        store.writeOrderedLong(base + OFF_HOLD_INDEX, x + 1L);
    }

    /** Clears the hold record once the held slot is given back. */
    void clearHold() {
        store.writeOrderedLong(base + OFF_HOLD_INDEX, 0);
    }

    /** The slot this slot's consumer holds as an adopter, or -1. */
    int holdIndex() {
        return (int) store.readVolatileLong(base + OFF_HOLD_INDEX) - 1;
    }

    /** The owner word the recorded hold replaced. */
    long holdFrom() {
        return store.readVolatileLong(base + OFF_HOLD_FROM);
    }

    /** The hold word the recorded hold put in place. */
    long holdWord() {
        return store.readVolatileLong(base + OFF_HOLD_WORD);
    }

    public long ownerWord() {
        return store.readVolatileLong(base + OFF_OWNER);
    }

    public long ownerPid() {
        return pidOf(ownerWord());
    }

    /** True while the owner holds the slot and its process (same pid, same start time) runs. */
    public boolean ownerAlive() {
        return heldByLiveProcess(ownerWord());
    }

    /** True if {@code ownerWord} names an owner that has not released the slot and whose process still runs. */
    public static boolean heldByLiveProcess(long ownerWord) {
        return ownerWord != 0 && !released(ownerWord)
                && ProcessLiveness.isAlive(pidOf(ownerWord), startMillisOf(ownerWord));
    }

    /** Takes the slot: CAS of the owner word from {@code expected} to {@code owner}; false if someone else won. */
    public boolean casOwner(long expected, long owner) {
        if (!store.compareAndSwapLong(base + OFF_OWNER, expected, owner))
            return false;
        store.writeOrderedLong(base + OFF_OWNER_SINCE, System.currentTimeMillis());
        return true;
    }

    /**
     * The roll cycle of {@code tasks/} the owner's tailer is in, or -1 if it has not read a task yet. Queue retention
     * never deletes that cycle or a later one while the owner is alive.
     */
    public int readerCycle() {
        return (int) (store.readVolatileLong(base + OFF_READER_CYCLE) - 1);
    }

    /** Records the roll cycle the owner's tailer is in (-1: none yet). Owner only. */
    public void readerCycle(int cycle) {
        store.writeOrderedLong(base + OFF_READER_CYCLE, cycle + 1L);
    }

    /** Gives the slot up on a clean stop; the pid stays for status. Owner only. */
    public void release(long owner) {
        store.compareAndSwapLong(base + OFF_OWNER, owner, owner | RELEASED);
    }

    public SlotState state() {
        SlotState s = SlotState.of(store.readVolatileLong(base + OFF_STATE));
        return s == null ? SlotState.UNUSED : s;
    }

    public void state(SlotState state) {
        store.writeOrderedLong(base + OFF_STATE, state.ordinal());
    }

    public long heartbeatMillis() {
        return store.readVolatileLong(base + OFF_HEARTBEAT);
    }

    public void heartbeat(long nowMillis) {
        store.writeOrderedLong(base + OFF_HEARTBEAT, nowMillis);
    }

    public long ownerSinceMillis() {
        return store.readVolatileLong(base + OFF_OWNER_SINCE);
    }

    public long restarts() {
        return store.readVolatileLong(base + OFF_RESTARTS);
    }

    public void countRestart() {
        store.writeOrderedLong(base + OFF_RESTARTS, restarts() + 1);
    }

    // ---- claims ----

    public long claimLo() {
        return store.readVolatileLong(base + OFF_CLAIM_LO);
    }

    public long claimWord() {
        return store.readVolatileLong(base + OFF_CLAIM_WORD);
    }

    public static long claimHi(long claimWord) {
        return claimWord >>> 2;
    }

    public static int claimStatus(long claimWord) {
        return (int) (claimWord & 3);
    }

    public static long claimWord(long hi, int status) {
        return (hi << 2) | status;
    }

    /** Records the intent to claim {@code [lo, hi)} before the claim cursor CAS. Owner only. */
    void recordClaimIntent(long lo, long hi) {
        store.writeOrderedLong(base + OFF_CLAIM_LO, lo);
        store.writeOrderedLong(base + OFF_CLAIM_WORD, claimWord(hi, CLAIM_PENDING));
    }

    /** Moves a pending claim ending at {@code hi} to confirmed; harmless if someone else already did. */
    boolean confirmClaim(long hi) {
        return store.compareAndSwapLong(base + OFF_CLAIM_WORD, claimWord(hi, CLAIM_PENDING),
                claimWord(hi, CLAIM_CONFIRMED));
    }

    /** Drops a pending claim that lost its race. Owner only. */
    void abandonClaim(long hi) {
        store.compareAndSwapLong(base + OFF_CLAIM_WORD, claimWord(hi, CLAIM_PENDING), claimWord(hi, CLAIM_NONE));
    }

    // ---- adoption ----

    /** The index of the slot adopting this slot's batch, or -1 if none. */
    public int adopter() {
        return (int) store.readVolatileLong(base + OFF_ADOPTER) - 1;
    }

    /** Names (or with -1 clears) the slot adopting this slot's batch. Only by whoever owns this slot. */
    void adopter(int index) {
        store.writeOrderedLong(base + OFF_ADOPTER, index + 1L);
    }

    /** The slot an ADOPTING claim takes its batch from. */
    public int adoptedFrom() {
        return (int) store.readVolatileLong(base + OFF_ADOPTED_FROM);
    }

    /** Records the intent to take over {@code [lo, hi)} from slot {@code from}. Owner only. */
    void recordAdoptionIntent(long lo, long hi, int from) {
        store.writeOrderedLong(base + OFF_ADOPTED_FROM, from);
        store.writeOrderedLong(base + OFF_CLAIM_LO, lo);
        store.writeOrderedLong(base + OFF_CLAIM_WORD, claimWord(hi, CLAIM_ADOPTING));
    }

    /** Decides an adopting claim ending at {@code hi}: confirmed if won, dropped if not; false if already decided. */
    boolean decideAdoption(long hi, boolean won) {
        return store.compareAndSwapLong(base + OFF_CLAIM_WORD, claimWord(hi, CLAIM_ADOPTING),
                claimWord(hi, won ? CLAIM_CONFIRMED : CLAIM_NONE));
    }

    /** Tasks handed to the handler so far. */
    public long attempts() {
        return store.readVolatileLong(base + OFF_ATTEMPTS);
    }

    /** Counts a task handed to the handler, before it is handled. Owner only; plain write on the hot path. */
    public void countAttempt() {
        store.writeLong(base + OFF_ATTEMPTS, store.readLong(base + OFF_ATTEMPTS) + 1);
    }

    /** Tasks this slot took over from orphaned slots. */
    public long adopted() {
        return store.readVolatileLong(base + OFF_ADOPTED);
    }

    void countAdopted(long tasks) {
        store.writeOrderedLong(base + OFF_ADOPTED, adopted() + tasks);
    }

    // ---- figures ----

    /** The number of figure updates published so far. */
    public long selector() {
        return store.readVolatileLong(base + OFF_SELECTOR);
    }

    /**
     * Reads a consistent copy of the figures. Any thread, any process.
     *
     * @throws TaskQException if the current copy fails its checksum while the selector stands still (damage)
     */
    public void readFigures(SlotFigures out) {
        for (int attempt = 0; ; attempt++) {
            long v1 = store.readVolatileLong(base + OFF_SELECTOR);
            long checksum = readCopy(currentCopy(v1), out);
            VarHandle.loadLoadFence();
            long v2 = store.readVolatileLong(base + OFF_SELECTOR);
            if (v1 != v2)
                continue;
            if (checksum == out.checksum())
                return;
            if (attempt > 3)
                throw TaskQException.usage(file + ": slot " + store.readInt(base + OFF_INDEX)
                        + " figures fail their checksum (damaged)");
            Thread.onSpinWait();
        }
    }

    /** The copy a selector value points at: the fence copy while {@link #FENCED}, else copy {@code count & 1}. */
    private static int currentCopy(long selector) {
        return (selector & FENCED) != 0 ? 2 : (int) (selector & 1);
    }

    /**
     * Publishes new figures in one crash-consistent step, together with every retry entry written or killed for
     * selector {@link #nextSelector()}; clears {@link #TIMED_OUT} and {@link #FENCED}. For a slot this process took
     * from an owner that is gone, or while recovering it; a running owner publishes with
     * {@link #publishFiguresIfCurrent}.
     */
    public void publishFigures(SlotFigures figures) {
        long next = (store.readLong(base + OFF_SELECTOR) & COUNT_MASK) + 1;
        writeCopy((int) (next & 1), figures);
        store.writeOrderedLong(base + OFF_SELECTOR, next);
    }

    /**
     * {@link #publishFigures} with a compare-and-swap of the selector, which fails once the owner's watchdog has set
     * {@link #TIMED_OUT} (the commit of a call that was cut off never lands) or another consumer has set
     * {@link #FENCED} (the work was taken over while this owner was stopped). The running owner's publish.
     *
     * @return false if the slot is marked timed out or fenced; nothing was published
     */
    public boolean publishFiguresIfCurrent(SlotFigures figures) {
        long v = store.readVolatileLong(base + OFF_SELECTOR);
        if ((v & FLAGS) != 0)
            return false;
        writeCopy((int) ((v + 1) & 1), figures);
        return store.compareAndSwapLong(base + OFF_SELECTOR, v, v + 1);
    }

    /**
     * {@link #publishFigures}, but only if the selector still reads {@code expected} (flags included): for a consumer
     * recovering its slot after taking it, which must not publish over a fence set meanwhile.
     *
     * @return false if the selector moved; nothing was published
     */
    public boolean publishFiguresIfSelector(long expected, SlotFigures figures) {
        long next = (expected & COUNT_MASK) + 1;
        writeCopy((int) (next & 1), figures);
        return store.compareAndSwapLong(base + OFF_SELECTOR, expected, next);
    }

    /**
     * Writes the fence copy: the figures this slot will show once {@link #fence fenced}. Only by a consumer holding
     * the slot's owner word to take over a stopped owner's work; the owner never writes this copy.
     */
    void writeFenceCopy(SlotFigures figures) {
        writeCopy(2, figures);
    }

    /**
     * Fences the slot unless its owner published since {@code selector} was read: one compare-and-swap that makes the
     * fence copy current and every later {@link #publishFiguresIfCurrent} fail.
     *
     * @return true if fenced; false if the owner published first (it is not stopped after all)
     */
    boolean fence(long selector) {
        return (selector & FLAGS) == 0
                && store.compareAndSwapLong(base + OFF_SELECTOR, selector, selector | FENCED);
    }

    /** True if another consumer took this slot's work over while its owner was stopped (see {@link #FENCED}). */
    public boolean fenced() {
        return (store.readVolatileLong(base + OFF_SELECTOR) & FENCED) != 0;
    }

    /**
     * Marks the slot timed out unless the owner published since {@code selector} was read: records which call was cut
     * off, then sets {@link #TIMED_OUT} with one compare-and-swap. The owner's watchdog only.
     *
     * @param entry the retry entry of the call, or -1 when it is the batch's next seq
     * @return true if marked; false if the call's commit landed first
     */
    public boolean markTimedOut(long selector, long seq, int entry, long failuresBefore) {
        if ((selector & FLAGS) != 0)
            return false;
        store.writeOrderedLong(base + OFF_TIMEOUT_SEQ, seq);
        store.writeOrderedLong(base + OFF_TIMEOUT_ENTRY, entry + 1L);
        store.writeOrderedLong(base + OFF_TIMEOUT_FAILURES, failuresBefore);
        return store.compareAndSwapLong(base + OFF_SELECTOR, selector, selector | TIMED_OUT);
    }

    /** True if a handler call was cut off by {@code consumer.task-timeout} and not yet counted as failed. */
    public boolean timedOut() {
        return (store.readVolatileLong(base + OFF_SELECTOR) & TIMED_OUT) != 0;
    }

    /** The seq of the call that timed out (see {@link #timedOut()}). */
    public long timedOutSeq() {
        return store.readVolatileLong(base + OFF_TIMEOUT_SEQ);
    }

    /** The retry entry of the call that timed out, or -1 if it was the batch's next seq. */
    public int timedOutEntry() {
        return (int) store.readVolatileLong(base + OFF_TIMEOUT_ENTRY) - 1;
    }

    /** Failed attempts of that task before the call that timed out. */
    public long timedOutFailuresBefore() {
        return store.readVolatileLong(base + OFF_TIMEOUT_FAILURES);
    }

    /** The selector value the next {@link #publishFigures} publishes: retry entries changed with it carry it. */
    public long nextSelector() {
        return (store.readLong(base + OFF_SELECTOR) & COUNT_MASK) + 1;
    }

    /** The number of figure updates published so far, without the flag. */
    public long selectorCount() {
        return store.readVolatileLong(base + OFF_SELECTOR) & COUNT_MASK;
    }

    /**
     * Reads a consistent copy of the figures and a summary of the retry entries valid with them. Any process.
     *
     * @return the summary: {@code out[0]} the number of valid entries, {@code out[1]} their lowest seq (or
     *     Long.MAX_VALUE)
     */
    public void readFiguresAndRetries(SlotFigures figures, long[] retries) {
        for (; ; ) {
            long v1 = store.readVolatileLong(base + OFF_SELECTOR);
            readFigures(figures);
            long published = v1 & COUNT_MASK;
            long count = 0;
            long min = Long.MAX_VALUE;
            int high = (v1 & FENCED) != 0 ? 0 : retryHighWater(); // a fenced slot's entries were moved
            long word = claimWord();
            long token = adoptToken();
            for (int i = 0; i < high; i++) {
                long seq = retrySeqIfValid(i, published, word, token);
                if (seq >= 0) {
                    count++;
                    min = Math.min(min, seq);
                }
            }
            VarHandle.loadLoadFence();
            if (store.readVolatileLong(base + OFF_SELECTOR) == v1) {
                retries[0] = count;
                retries[1] = min;
                return;
            }
        }
    }

    // ---- retry entries ----

    private long entry(int i) {
        return base + OFF_ENTRIES + (long) i * ENTRY_SIZE;
    }

    /** Retry entries ever used: entries at or above it are free and were never written. */
    public int retryHighWater() {
        return (int) store.readVolatileLong(base + OFF_RETRY_HIGH_WATER);
    }

    /**
     * True if entry {@code i}, as last written, is valid with the figures published at {@code selector}: born at or
     * before it, not died at or before it and, when it carries an adopt tag, that adoption not lost. Owner view;
     * readers use {@link #readFiguresAndRetries}.
     */
    public boolean retryEntryValid(int i, long selector) {
        return !fenced() && retrySeqIfValid(i, selector, claimWord(), adoptToken()) >= 0;
    }

    /**
     * Reads entry {@code i} whole into {@code out} (seq, due, failures) if it is valid at {@code selector} with
     * claim word {@code claimWord}: for taking over the entries of a slot whose owner may still write. An entry valid
     * at a selector does not change until the owner's next publish, which the caller detects with the selector.
     *
     * @return true if valid and read
     */
    boolean readRetryEntryIfValid(int i, long selector, long claimWord, long[] out) {
        long e = entry(i);
        for (; ; ) {
            long born = store.readVolatileLong(e + 32);
            if (retrySeqIfValid(i, selector, claimWord, adoptToken()) < 0)
                return false;
            out[0] = store.readVolatileLong(e);
            out[1] = store.readVolatileLong(e + 8);
            out[2] = store.readVolatileLong(e + 16);
            VarHandle.loadLoadFence();
            if (store.readVolatileLong(e + 32) == born)
                return true;
        }
    }

    /** The entry's seq if valid at {@code selector} (see {@link #retryEntryValid}), else -1; re-reads a torn one. */
    private long retrySeqIfValid(int i, long selector, long claimWord, long token) {
        long e = entry(i);
        for (; ; ) {
            long born = store.readVolatileLong(e + 32);
            if (born == 0 || born > selector)
                return -1;
            long died = store.readVolatileLong(e + 40);
            long seq = store.readVolatileLong(e);
            long tag = store.readVolatileLong(e + 24);
            if (store.readVolatileLong(e + 32) != born)
                continue; // rewritten while we read
            if (died != 0 && died <= selector)
                return -1;
            if (tag != 0 && (tag != token || claimStatus(claimWord) == CLAIM_NONE))
                return -1; // moved in by an adoption that lost
            return seq;
        }
    }

    public long retrySeq(int i) {
        return store.readVolatileLong(entry(i));
    }

    public long retryDueMillis(int i) {
        return store.readVolatileLong(entry(i) + 8);
    }

    public long retryFailures(int i) {
        return store.readVolatileLong(entry(i) + 16);
    }

    /**
     * Writes a new retry entry into free entry {@code i}, valid from selector {@code born} on (the next publish).
     * Born first and died last, so a reader never takes a half-written entry for a valid one. Owner only.
     */
    public void writeRetryEntry(int i, long seq, long dueMillis, long failures, long tag, long born) {
        long e = entry(i);
        store.writeOrderedLong(e + 32, born);
        store.writeLong(e, seq);
        store.writeLong(e + 8, dueMillis);
        store.writeLong(e + 16, failures);
        store.writeLong(e + 24, tag);
        store.writeOrderedLong(e + 40, 0);
        if (i >= retryHighWater())
            store.writeOrderedLong(base + OFF_RETRY_HIGH_WATER, i + 1L);
    }

    /** Ends entry {@code i} with the publish of selector {@code died}. Owner only. */
    public void killRetryEntry(int i, long died) {
        store.writeOrderedLong(entry(i) + 40, died);
    }

    /** Makes an adopted entry this slot's own once its adoption is decided as won. Owner only. */
    public void clearRetryTag(int i) {
        store.writeOrderedLong(entry(i) + 24, 0);
    }

    /**
     * Undoes entry writes that a killed owner made for a publish that never happened, and frees entries of an
     * adoption that lost, so that the next publish cannot validate them. Call after taking the slot, before
     * publishing anything. Owner (or the adopter holding the slot) only.
     */
    public void cleanRetryEntries() {
        if (fenced()) {
            // Every entry valid when the slot was fenced was moved to the consumer that fenced it, and every later
            // one was written for a publish that could never happen.
            for (int i = 0; i < retryHighWater(); i++)
                store.writeOrderedLong(entry(i) + 32, 0);
            return;
        }
        long v = selectorCount();
        int status = claimStatus(claimWord());
        long token = adoptToken();
        for (int i = 0; i < retryHighWater(); i++) {
            long e = entry(i);
            long born = store.readVolatileLong(e + 32);
            if (born == 0)
                continue;
            if (born > v) {
                store.writeOrderedLong(e + 32, 0); // written for a publish that never happened
                continue;
            }
            long died = store.readVolatileLong(e + 40);
            if (died > v) {
                store.writeOrderedLong(e + 40, 0); // killed for a publish that never happened
                died = 0;
            }
            long tag = store.readVolatileLong(e + 24);
            if (died != 0 || tag == 0 || status == CLAIM_ADOPTING)
                continue;
            if (tag == token && status != CLAIM_NONE)
                clearRetryTag(i); // its adoption won
            else
                store.writeOrderedLong(e + 32, 0); // its adoption lost
        }
    }

    /** True if entry {@code i} can take a new retry: never used, or ended by a publish that happened. Owner only. */
    public boolean retryEntryFree(int i) {
        long e = entry(i);
        long born = store.readVolatileLong(e + 32);
        long died = store.readVolatileLong(e + 40);
        return born == 0 || died != 0 && died <= selectorCount();
    }

    // ---- adopt tokens ----

    /** The token of this slot's latest adoption, 0 if none. */
    public long adoptToken() {
        return store.readVolatileLong(base + OFF_ADOPT_TOKEN);
    }

    /** Starts a new adoption: a token no adoption by any slot has used before. Owner only. */
    long newAdoptToken() {
        long n = store.readVolatileLong(base + OFF_ADOPTIONS) + 1;
        store.writeOrderedLong(base + OFF_ADOPTIONS, n);
        long token = ((index() + 1L) << 40) | n;
        store.writeOrderedLong(base + OFF_ADOPT_TOKEN, token);
        return token;
    }

    private long copyOffset(int copy) {
        return base + (copy == 2 ? OFF_FENCE_COPY : OFF_COPY0 + (long) copy * SlotFigures.COPY_SIZE);
    }

    private long readCopy(int copy, SlotFigures out) {
        long o = copyOffset(copy);
        out.done = store.readLong(o);
        out.sumValue = store.readLong(o + 8);
        out.sumPayload = Double.longBitsToDouble(store.readLong(o + 16));
        out.lastSeq = store.readLong(o + 24);
        out.lastResultValue = store.readLong(o + 32);
        out.lastResultPayload = Double.longBitsToDouble(store.readLong(o + 40));
        out.batchLo = store.readLong(o + 48);
        out.batchHi = store.readLong(o + 56);
        out.doneUpTo = store.readLong(o + 64);
        out.latencySumNanos = store.readLong(o + 72);
        out.failures = store.readLong(o + 80);
        out.dead = store.readLong(o + 88);
        out.deadSerial = store.readLong(o + 96);
        out.pendingDeadSeq = store.readLong(o + 104);
        out.pendingDeadAttempts = store.readLong(o + 112);
        out.movedToken = store.readLong(o + 120);
        return store.readLong(o + 128);
    }

    private void writeCopy(int copy, SlotFigures in) {
        long o = copyOffset(copy);
        store.writeLong(o, in.done);
        store.writeLong(o + 8, in.sumValue);
        store.writeLong(o + 16, Double.doubleToRawLongBits(in.sumPayload));
        store.writeLong(o + 24, in.lastSeq);
        store.writeLong(o + 32, in.lastResultValue);
        store.writeLong(o + 40, Double.doubleToRawLongBits(in.lastResultPayload));
        store.writeLong(o + 48, in.batchLo);
        store.writeLong(o + 56, in.batchHi);
        store.writeLong(o + 64, in.doneUpTo);
        store.writeLong(o + 72, in.latencySumNanos);
        store.writeLong(o + 80, in.failures);
        store.writeLong(o + 88, in.dead);
        store.writeLong(o + 96, in.deadSerial);
        store.writeLong(o + 104, in.pendingDeadSeq);
        store.writeLong(o + 112, in.pendingDeadAttempts);
        store.writeLong(o + 120, in.movedToken);
        store.writeLong(o + 128, in.checksum());
    }

    // ---- latency statistics (owner writes, plain; figures for display, not part of exactly-once) ----

    /** Adds one handling latency, ending at {@code nowNanos}. Owner only. */
    public void recordLatency(long nanos, long nowNanos) {
        store.writeLong(base + OFF_LAST_COMMIT, nowNanos);
        long v = Math.max(0, nanos);
        long off = base + OFF_LAT_BUCKETS + 8L * LatencyBuckets.index(v);
        store.writeLong(off, store.readLong(off) + 1);
        store.writeLong(base + OFF_LAT_COUNT, store.readLong(base + OFF_LAT_COUNT) + 1);
        if (v > store.readLong(base + OFF_LAT_MAX))
            store.writeLong(base + OFF_LAT_MAX, v);
    }

    /** Adds this slot's latency counts into {@code into}. */
    public void addLatencies(LatencyBuckets into) {
        for (int i = 0; i < LatencyBuckets.COUNT; i++)
            into.add(i, store.readVolatileLong(base + OFF_LAT_BUCKETS + 8L * i));
        into.max(store.readVolatileLong(base + OFF_LAT_MAX));
    }

    /** System.nanoTime of this slot's last commit, 0 if none. */
    public long lastCommitNanos() {
        return store.readVolatileLong(base + OFF_LAST_COMMIT);
    }

    public int index() {
        return store.readInt(base + OFF_INDEX);
    }
}
