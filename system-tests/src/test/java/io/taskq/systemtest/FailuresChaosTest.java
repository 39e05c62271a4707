package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.TaskResult;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.DeadLetters;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.common.wire.DeadLetter;
import io.taskq.common.wire.DeadLetterEvents;
import io.taskq.common.wire.DeadPurged;
import io.taskq.common.wire.DeadRetried;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import net.openhft.chronicle.bytes.MethodReader;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handler failures under consumer chaos: three consumer processes run {@link PoisonFlakyHandler} over 200,000 tasks,
 * of which 200 are poison (every call fails) and 200 flaky (the first attempt fails), while consumers are killed with
 * SIGKILL in the middle of their batches and retries. Most kills restart the consumer with the same index (it resumes
 * its batch and its retry entries); some leave the index dead and start a consumer with a fresh index instead, after
 * a moment when the victim's slot held tasks in backoff, so that another consumer adopts its batch and its retry
 * entries. At the end every poison task is dead exactly once, with its dead letter written once, after exactly
 * {@code consumer.max-attempts} failed calls; every flaky task failed exactly once; every other task is done exactly
 * once; and no consumer stopped because of a handler's exception.
 */
class FailuresChaosTest extends ProcessTest {
    private static final int TASKS = 200_000;
    private static final int CONSUMERS = 3;
    private static final int MAX_ATTEMPTS = 5;
    /** Kills per run: a random number in this range, from the printed seed. */
    private static final int MIN_KILLS = 6;
    private static final int MAX_KILLS = 10;
    /**
     * Kills beyond the planned number, only while no abandoned slot has yet left tasks in backoff behind: adoption of
     * retry entries is part of what this test proves, so it makes sure it happened.
     */
    private static final int EXTRA_KILLS = 3;
    /** Every third kill abandons its index; the others restart it. */
    private static final int ABANDON_EVERY = 3;
    /**
     * 120 us of work per task: 24 s of handling for 200,000 tasks, shared by three consumers on two cores, so that
     * kills land mid-batch and the work outlasts the kills (each waits for a restarted JVM to get going).
     */
    private static final String SPIN_NANOS = "120000";
    /**
     * Calls a kill may repeat: the one in hand, and the tasks of its commit group not published yet. A group is
     * published at the commit that finds it 100 us old, so with calls of 120 us it holds at most one.
     */
    private static final int REPEATS_PER_KILL = 2;
    /** Short backoff and lease, so that retries, deaths and adoption all happen within the test's time. */
    private static final Map<String, String> CONSUMER_SETTINGS = Map.of(
            "TASKQ_CONSUMER_MAX_ATTEMPTS", String.valueOf(MAX_ATTEMPTS),
            "TASKQ_CONSUMER_RETRY_BACKOFF", "20ms",
            "TASKQ_CONSUMER_RETRY_MAX_BACKOFF", "200ms",
            "TASKQ_CONSUMER_HEARTBEAT", "200ms",
            "TASKQ_CONSUMER_LEASE", "2s");
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration FINISH = Duration.ofSeconds(180);
    /** Tasks a consumer handles after it starts before it may be killed: past start-up, inside its work. */
    private static final int WARM_TASKS = 100;
    private static final Path TEST_CLASSES = Taskq.PROJECT_ROOT.resolve("system-tests/target/test-classes");
    private static final String CONSUMER_FAILED = "stopped by an error";

    @Test
    @Timeout(480)
    void shouldDeadLetterEveryPoisonTaskOnceAndFinishEveryOtherTaskOnceWhileConsumersAreKilled() throws Exception {
        Set<Long> poison = new TreeSet<>();
        Set<Long> flaky = new TreeSet<>();
        for (long seq = 0; seq < TASKS; seq++) {
            if (PoisonFlakyHandler.poison(Workload.value(seq)))
                poison.add(seq);
            else if (PoisonFlakyHandler.flaky(Workload.value(seq)))
                flaky.add(seq);
        }
        assertEquals(TASKS / 1000, poison.size(), "poison tasks in the workload");
        assertEquals(TASKS / 1000, flaky.size(), "flaky tasks in the workload");

        // What produce --join and join --all say when they return: counts as the command line formats them.
        Pattern deadJoinLine = Pattern.compile("join: " + Pattern.quote(String.format(Locale.ROOT,
                "%,d done, %,d dead (taskq dead lists them; waited ", TASKS - poison.size(), poison.size()))
                + "\\d+\\.\\d\\d s\\)");

        Path data = tmp.resolve("data");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int plannedKills = MIN_KILLS + random.nextInt(MAX_KILLS - MIN_KILLS + 1);
        System.out.println("failures chaos: random seed " + seed + ", " + plannedKills + " kills planned");

        List<Consumer> started = new ArrayList<>();
        List<Consumer> running = new ArrayList<>();
        for (int k = 0; k < CONSUMERS; k++)
            running.add(startConsumer(data, k, started));
        int nextIndex = CONSUMERS;
        int kills = 0;
        int restarts = 0;
        // Abandoned index to the tasks its slot held in backoff right after the kill.
        Map<Integer, Long> abandoned = new LinkedHashMap<>();
        TaskqProcess producer;

        long startNanos = System.nanoTime();
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "three consumers to take their slots", p -> p.slots().size() == CONSUMERS,
                    processes(running));
            producer = taskq.start("producer", "produce", "--count", String.valueOf(TASKS), "--seal", "--join",
                    "--data-dir", data.toString());

            while (kills < plannedKills || (!leftRetries(abandoned) && kills < plannedKills + EXTRA_KILLS)) {
                boolean abandon = kills % ABANDON_EVERY == ABANDON_EVERY - 1
                        || (kills >= plannedKills - 1 && !leftRetries(abandoned));
                // Kill only consumers that hold their slot and are handling a batch, so each kill interrupts work;
                // a kill that abandons its index waits for a moment when the slot has tasks in backoff.
                Progress busy = probe.await(STARTUP, "a consumer to be running a batch" + (abandon
                                ? " with tasks in backoff" : ""),
                        q -> q.allDone() || running.stream().anyMatch(c -> isRunning(q, c, abandon)),
                        processes(running));
                if (busy.allDone())
                    break;
                List<Consumer> working = running.stream().filter(c -> isRunning(busy, c, abandon)).toList();
                Consumer victim = working.get(random.nextInt(working.size()));
                // A random moment inside its work, not a synchronisation; short when the backoff must still be there.
                TimeUnit.MILLISECONDS.sleep(random.nextInt(abandon ? 20 : 500));
                victim.process.kill();
                assertEquals(137, victim.process.awaitExit(Duration.ofSeconds(30)), victim.process::describe);
                kills++;
                running.remove(victim);
                SlotSnapshot left = slot(probe.read(), victim.index);
                System.out.printf("failures chaos: kill %d at %.1f s: %s, %s, %d in flight, %d in backoff%n", kills,
                        (System.nanoTime() - startNanos) / 1e9, victim.process, abandon ? "abandoned" : "restarted",
                        left.inFlight(), left.retrying());
                if (abandon) {
                    abandoned.put(victim.index, left.retrying());
                    running.add(startConsumer(data, nextIndex++, started));
                } else {
                    restarts++;
                    running.add(startConsumer(data, victim.index, started));
                }
            }
            assertTrue(kills >= MIN_KILLS, "only " + kills + " kills happened before the work ran out (seed " + seed
                    + "); the run must be long enough for " + plannedKills);
            assertTrue(leftRetries(abandoned), "no abandoned slot left tasks in backoff for an adopter (seed " + seed
                    + "): " + abandoned);

            assertEquals(5, producer.awaitExit(FINISH), producer::describe);
        }
        double runSeconds = (System.nanoTime() - startNanos) / 1e9;
        assertTrue(producer.stdout().lines().anyMatch(l -> deadJoinLine.matcher(l).matches()),
                () -> "produce --join reports the dead tasks\n" + producer.describe());
        for (Consumer c : running) {
            assertEquals(0, c.process.awaitExit(FINISH), c.process::describe);
            assertTrue(c.process.stdout().contains("; end of stream"), c.process::describe);
        }
        for (Consumer c : started) {
            for (String log : List.of(c.process.stdout(), c.process.stderr()))
                assertFalse(log.contains(CONSUMER_FAILED), () -> "a handler's exception never stops a consumer\n"
                        + c.process.describe());
        }
        TaskqProcess join = taskq.run("join", "join", "--all", "--data-dir", data.toString());
        assertEquals(5, join.exitCode(), join::describe);
        assertTrue(join.stdout().lines().anyMatch(l -> deadJoinLine.matcher(l).matches()), join::describe);

        List<DeadLetter> recovered;
        try (DataDirectory dir = DataDirectory.openExisting(data, RollCycles.FAST_DAILY)) {
            Progress p = Progress.read(dir);
            assertCountedOnce(p, poison, flaky, kills);
            recovered = assertDeadLettersOnce(dir.deadLetters(), poison);
            for (Map.Entry<Integer, Long> a : abandoned.entrySet()) {
                SlotSnapshot s = slot(p, a.getKey());
                assertEquals(0, s.inFlight(), () -> "abandoned slot " + a.getKey() + ": " + s);
                assertEquals(0, s.retrying(), () -> "abandoned slot " + a.getKey() + " left " + a.getValue()
                        + " tasks in backoff, which an adopter must have taken: " + s);
            }
            long adopted = p.slots().stream().mapToLong(SlotSnapshot::adopted).sum();
            assertTrue(adopted > 0, "abandoned slots " + abandoned + " left work that other consumers adopted");
            System.out.printf("failures chaos: %d kills (%d restarted with the same index, %d indices abandoned, "
                            + "index=tasks in backoff left: %s) in %.1f s; %,d tasks adopted; %,d done, %,d dead, "
                            + "%,d failed calls, %,d calls repeated after a kill; %d dead letters written by "
                            + "recovery%n", kills, restarts, abandoned.size(), abandoned, runSeconds, adopted,
                    p.done(), p.dead(), p.failures(), repeats(p), recovered.size());
        }
        // Only a kill between counting a task dead and writing its letter leaves a letter without the error.
        assertTrue(recovered.size() <= kills, recovered.size() + " dead letters written by recovery for " + kills
                + " kills: " + recovered);
    }

    /**
     * The slots' figures: every poison task dead, every other task done, each exactly once (totals equal the closed
     * form less the poison tasks' results), failures exactly {@code MAX_ATTEMPTS} per poison and one per flaky task,
     * nothing left in backoff or in flight, and at most one call repeated per kill.
     */
    private static void assertCountedOnce(Progress p, Set<Long> poison, Set<Long> flaky, int kills) {
        String seen = ProgressProbe.describe(p) + ", dead " + p.dead() + ", failures " + p.failures()
                + ", retrying " + p.retrying();
        assertEquals(TASKS, p.submitted(), seen);
        assertEquals(TASKS, p.sealedCount(), seen);
        assertTrue(p.allDone(), seen);
        assertEquals(TASKS, p.watermark(), () -> "the watermark reached the sealed count: " + seen);
        assertEquals(poison.size(), p.dead(), () -> "exactly the poison tasks are dead: " + seen);
        assertEquals(TASKS - poison.size(), p.done(), () -> "every other task is done exactly once: " + seen);
        assertEquals((long) poison.size() * MAX_ATTEMPTS + flaky.size(), p.failures(),
                () -> "each poison task failed " + MAX_ATTEMPTS + " times, each flaky task once: " + seen);
        assertEquals(0, p.retrying(), () -> "no task is left in backoff: " + seen);

        long sumValue = Workload.expectedSumValue(TASKS);
        double sumPayload = Workload.expectedSumPayload(TASKS);
        ExampleHandler example = new ExampleHandler();
        TaskResult result = new TaskResult();
        for (long seq : poison) {
            example.handle(Task.of(Workload.value(seq), Workload.payload(seq)), result);
            sumValue -= result.value();
            sumPayload -= result.payload();
        }
        assertEquals(sumValue, p.sumValue(), () -> "sumValue of the done tasks: " + seen);
        assertEquals(sumPayload, p.sumPayload(), () -> "sumPayload of the done tasks: " + seen);

        for (SlotSnapshot s : p.slots()) {
            assertEquals(0, s.inFlight(), () -> "slot " + s.index() + " has nothing in flight: " + s);
            assertEquals(0, s.retrying(), () -> "slot " + s.index() + " has nothing in backoff: " + s);
        }
        long repeats = repeats(p);
        assertTrue(repeats >= 0 && repeats <= (long) REPEATS_PER_KILL * kills, "every call is a done task, a recorded "
                + "failure, or the call in hand or an unpublished commit-group task when a consumer was killed: "
                + repeats + " repeated calls for " + kills + " kills; " + seen);
    }

    /** Handler calls minus done tasks minus recorded failures, over all slots: calls repeated after a kill. */
    private static long repeats(Progress p) {
        long repeats = 0;
        for (SlotSnapshot s : p.slots())
            repeats += s.attempts() - s.figures().done - s.figures().failures;
        return repeats;
    }

    /**
     * The dead-letter queue as written, record by record: one letter per poison task and no other, each after
     * {@code MAX_ATTEMPTS} calls, each slot's serials distinct, carrying the task and, unless a kill cut the consumer
     * off between counting the task dead and writing the letter, the handler's exception.
     *
     * @return the letters written by recovery, without the error (the killed consumer had it)
     */
    private static List<DeadLetter> assertDeadLettersOnce(DeadLetters deadLetters, Set<Long> poison) {
        List<DeadLetter> written = readRecords(deadLetters.dir());
        Map<Long, Integer> bySeq = new HashMap<>();
        Set<String> serials = new HashSet<>();
        List<DeadLetter> recovered = new ArrayList<>();
        for (DeadLetter d : written) {
            bySeq.merge(d.seq, 1, Integer::sum);
            assertTrue(serials.add(d.slot + "/" + d.serial), () -> "slot and serial name one letter: " + d);
            assertTrue(poison.contains(d.seq), () -> "only poison tasks die: " + d);
            assertEquals(MAX_ATTEMPTS, d.attempts, () -> "dead after " + MAX_ATTEMPTS + " attempts: " + d);
            assertEquals(Workload.value(d.seq), d.value, () -> "the task's value: " + d);
            assertEquals(Workload.payload(d.seq), d.payload, () -> "the task's payload: " + d);
            if (d.errorClass.isEmpty() && DeadLetter.ERROR_NOT_RECORDED.equals(d.errorMessage)) {
                recovered.add(d);
                continue;
            }
            assertEquals(PoisonFlakyHandler.PoisonTaskException.class.getName(), d.errorClass,
                    () -> "the handler's exception: " + d);
            assertEquals(PoisonFlakyHandler.poisonMessage(d.seq, d.value), d.errorMessage,
                    () -> "the handler's message: " + d);
            assertTrue(d.stack.startsWith("at " + PoisonFlakyHandler.class.getName() + ".handle("),
                    () -> "the stack starts in the handler: " + d);
        }
        Map<Long, Integer> duplicates = new LinkedHashMap<>();
        bySeq.forEach((seq, n) -> {
            if (n != 1)
                duplicates.put(seq, n);
        });
        assertEquals(Map.of(), duplicates, "dead letters written more than once (seq=count)");
        assertEquals(poison, new TreeSet<>(bySeq.keySet()), "one dead letter for each poison task");

        List<DeadLetter> listed = deadLetters.list();
        assertEquals(poison.size(), listed.size(), "DeadLetters.list()");
        for (DeadLetter d : listed) {
            assertEquals(0, d.retriedAs.length, () -> "never put back: " + d);
            assertEquals(MAX_ATTEMPTS, d.attempts, () -> "listed: " + d);
        }
        return recovered;
    }

    /**
     * Every dead letter in {@code dead/} as appended, duplicates included ({@link DeadLetters#list()} keeps one per
     * seq); fails on any purge or put-back, which nothing in this test does.
     */
    private static List<DeadLetter> readRecords(Path deadDir) {
        List<DeadLetter> letters = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(deadDir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptTailer tailer = queue.createTailer()) {
            MethodReader reader = tailer.methodReader(new DeadLetterEvents() {
                @Override
                public void dead(DeadLetter letter) {
                    letters.add(letter.deepCopy()); // the reader reuses its argument
                }

                @Override
                public void retried(DeadRetried retried) {
                    others.add("retried " + retried);
                }

                @Override
                public void purged(DeadPurged purged) {
                    others.add("purged " + purged);
                }
            });
            while (reader.readOne()) {
                // read all
            }
        }
        assertEquals(List.of(), others, "nothing but dead letters in " + deadDir);
        return letters;
    }

    /** True if some abandoned slot held tasks in backoff when its consumer was killed. */
    private static boolean leftRetries(Map<Integer, Long> abandoned) {
        return abandoned.values().stream().anyMatch(n -> n > 0);
    }

    private static SlotSnapshot slot(Progress p, int index) {
        return p.slots().stream().filter(s -> s.index() == index).findFirst()
                .orElseThrow(() -> new AssertionError("no slot " + index + ": " + ProgressProbe.describe(p)));
    }

    private static TaskqProcess[] processes(List<Consumer> running) {
        return running.stream().map(c -> c.process).toArray(TaskqProcess[]::new);
    }

    /**
     * True when consumer {@code c} holds its slot, has work in hand (a batch, or with {@code withBackoff} tasks in
     * backoff) and has handled some tasks since it started, so it is past its start-up and in the middle of its work.
     */
    private static boolean isRunning(Progress p, Consumer c, boolean withBackoff) {
        for (SlotSnapshot s : p.slots()) {
            if (s.index() != c.index)
                continue;
            if (s.pid() != c.process.pid() || !s.alive())
                return false;
            if (c.attemptsAtStart < 0)
                c.attemptsAtStart = s.attempts();
            return s.inFlight() > 0 && (!withBackoff || s.retrying() > 0)
                    && s.attempts() >= c.attemptsAtStart + WARM_TASKS;
        }
        return false;
    }

    private Consumer startConsumer(Path data, int index, List<Consumer> started) throws Exception {
        Map<String, String> env = new HashMap<>(CONSUMER_SETTINGS);
        env.put("TASKQ_CLASSPATH", TEST_CLASSES.toString());
        env.put(PoisonFlakyHandler.SPIN_ENV, SPIN_NANOS);
        TaskqProcess p = taskq.start("consumer-" + index, env, "consume", "--index", String.valueOf(index),
                "--exit-on-eos", "--handler", PoisonFlakyHandler.NAME, "--data-dir", data.toString());
        Consumer c = new Consumer(index, p);
        started.add(c);
        return c;
    }

    private static final class Consumer {
        final int index;
        final TaskqProcess process;
        /** The slot's attempts when this process was first seen owning it; -1 until then. */
        long attemptsAtStart = -1;

        Consumer(int index, TaskqProcess process) {
            this.index = index;
            this.process = process;
        }
    }
}
