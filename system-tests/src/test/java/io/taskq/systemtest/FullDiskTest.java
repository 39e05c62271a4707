package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.cli.ChildProcesses;
import io.taskq.common.TaskQException;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.ResultsReader;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer that runs out of space stops with a one-line error that says how many tasks it accepted and exits 4; the
 * data directory stays readable (status, tail); the stream can still be sealed; and the consumers handle exactly the
 * accepted tasks, with the closed-form totals and one result each. Two ways to run out:
 * <ul>
 *   <li>a full file system: a 64 MiB tmpfs the test mounts (needs root; skipped with the reason otherwise). The
 *       consumers' results log shares it, so they too stop cleanly (exit 4, at half the reserve); the stream is
 *       sealed on the full disk, the tmpfs is grown, and restarted consumers finish;</li>
 *   <li>a file-size limit ({@code prlimit --fsize}) set on the running producer, which needs no root. Chronicle grows
 *       its files sparsely by whole chunks (64 MiB plus a 16 MiB overlap), so the limit stops the producer when the
 *       queue file would grow past it, not at the last byte.</li>
 * </ul>
 */
class FullDiskTest extends ProcessTest {
    private static final long RESERVE = 16L << 20;
    /** How long mount, umount or prlimit may take. */
    private static final Duration SHORT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ACCEPTED =
            Pattern.compile("taskq produce: disk full: accepted ([0-9,]+) tasks \\(seq 0\\.\\.([0-9]+)\\)");

    private Path disk;
    private boolean mounted;

    @AfterEach
    void unmount() throws Exception {
        // Every process with a file open on the tmpfs must be gone before it can be unmounted.
        taskq.close();
        if (mounted)
            Poll.until(Duration.ofSeconds(60), disk + " to be unmounted", () -> {
                        if (!isMountPoint(disk))
                            return null;
                        String output = run(List.of("umount", disk.toString()));
                        return isMountPoint(disk) ? "still mounted (umount: " + output + ")" : null;
                    },
                    output -> output == null, output -> output + "; this JVM still uses: " + usesOf(disk));
    }

    @Test
    @Timeout(420)
    void shouldStopTheProducerCleanlyOnAFullDiskAndLetConsumersFinishWhatItAccepted() throws Exception {
        disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        String output = run(List.of("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", disk.toString()));
        Assumptions.assumeTrue(output == null, () -> "needs root to mount a 64 MiB tmpfs (mount -t tmpfs failed: "
                + output + "); the file-size-limit test covers the same ground without root");
        mounted = true;

        Path data = disk.resolve("data");
        Map<String, String> env = Map.of("TASKQ_QUEUE_MIN_FREE_BYTES", String.valueOf(RESERVE));
        // Far more than 64 MiB holds (about 45 bytes a task): the disk fills first. The consumers start after it has
        // (the file-size test runs them during the fill), so that they are sure to be far behind.
        TaskqProcess producer = taskq.start("producer", env, "produce", "--count", "50000000",
                "--data-dir", data.toString());
        String error = awaitOutOfSpace(producer);
        long accepted = accepted(error);
        assertTrue(accepted > 100_000, () -> "a 64 MiB disk holds far more than 100,000 tasks: " + error);
        assertTrue(error.contains("below queue.min-free-bytes=" + RESERVE), error);

        // The consumers record each outcome in the results log, on the same disk: they go on into the reserve and
        // stop cleanly at half of it, with their unfinished work left in their slots. The data directory exists, so
        // they need not be started one slot at a time; and one may reach the reserve before the other has its slot,
        // so the test does not wait for both slots to be held at once (each error line names its slot).
        List<TaskqProcess> consumers = new ArrayList<>();
        for (int k = 0; k < 2; k++)
            consumers.add(taskq.start("consumer-" + k, env, "consume", "--index", String.valueOf(k), "--exit-on-eos",
                    "--data-dir", data.toString()));
        for (int k = 0; k < consumers.size(); k++)
            awaitConsumerOutOfSpace(consumers.get(k), k);
        long free = Files.getFileStore(disk).getUsableSpace();
        JsonNode stopped = taskq.status(data);
        long doneBefore = stopped.get("done").asLong();
        System.out.printf("full disk: the producer accepted %,d tasks; the consumers stopped at %,d done, %,d bytes "
                + "free%n", accepted, doneBefore, free);
        assertTrue(doneBefore < accepted, () -> "the consumers stopped before the end: " + stopped.toPrettyString());
        assertTrue(free > RESERVE / 4, "the consumers left most of their half of the reserve free: " + free
                + " bytes");

        // Sealing writes one small excerpt into what is left, so it works on the full file system.
        checkReadableAndSeal(data, env, accepted);
        // Space freed: restarted consumers finish exactly what was accepted, with one result per task.
        assertEquals(null, run(List.of("mount", "-o", "remount,size=320m", disk.toString())), "growing the tmpfs");
        finish(data, startConsumers(data, 2, env), accepted);
    }

    /** Waits for the consumer of {@code slot} to stop on the full disk: exit 4 and one line that names the limit. */
    private static void awaitConsumerOutOfSpace(TaskqProcess consumer, int slot) throws InterruptedException {
        assertEquals(TaskQException.EXIT_NO_SPACE, consumer.awaitExit(Duration.ofSeconds(180)), consumer::describe);
        List<String> errors = consumer.stderr().lines().filter(l -> l.startsWith("taskq consume:")).toList();
        assertEquals(1, errors.size(), consumer::describe);
        String error = errors.get(0);
        assertTrue(error.matches("taskq consume: slot " + slot + ": disk full: only .* free on the file system of .*, "
                + "below half of queue\\.min-free-bytes \\(8\\.0 MiB\\); this consumer stops before it records another "
                + "outcome; free space and restart it \\(the task in hand is handled again\\)"), error);
    }

    @Test
    @Timeout(420)
    void shouldStopTheProducerCleanlyAtAFileSizeLimitAndLetConsumersFinishWhatItAccepted() throws Exception {
        Path data = tmp.resolve("data");
        List<TaskqProcess> consumers = startConsumers(data, 2, Map.of());
        // The queue file starts at 80 MiB (one 64 MiB chunk plus the overlap) and grows by 64 MiB: a 150 MB limit
        // stops it at the first growth, after about 0.8 million tasks. prlimit runs while the JVM is still starting.
        TaskqProcess producer = taskq.start("producer", "produce", "--count", "50000000",
                "--data-dir", data.toString());
        String limited = run(List.of("prlimit", "--pid", String.valueOf(producer.pid()), "--fsize=150000000"));
        assertEquals(null, limited, "prlimit --fsize on the producer");
        String error = awaitOutOfSpace(producer);
        long accepted = accepted(error);
        assertTrue(error.contains("cannot grow the task queue's file") && error.contains("File too large"), error);
        System.out.printf("file-size limit: the producer accepted %,d tasks%n", accepted);

        // The sealer runs without the limit.
        checkReadableAndSeal(data, Map.of(), accepted);
        finish(data, consumers, accepted);
    }

    /** Waits for the producer to exit 4 and returns its one error line, which must say what to do next. */
    private static String awaitOutOfSpace(TaskqProcess producer) throws InterruptedException {
        assertEquals(TaskQException.EXIT_NO_SPACE, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        List<String> errors = producer.stderr().lines().filter(l -> l.startsWith("taskq produce:")).toList();
        assertEquals(1, errors.size(), producer::describe);
        String error = errors.get(0);
        assertTrue(error.contains("which are safe"), error);
        assertTrue(error.contains("taskq produce --count 0 --seal"), error);
        return error;
    }

    /** The accepted count the error line states; seqs 0..count-1. */
    private static long accepted(String error) {
        Matcher m = ACCEPTED.matcher(error);
        assertTrue(m.find(), () -> "the error says how many tasks were accepted: " + error);
        long accepted = Long.parseLong(m.group(1).replace(",", ""));
        assertEquals(accepted - 1, Long.parseLong(m.group(2)), error);
        return accepted;
    }

    /** Status and tail work on the stopped stream, and a second producer seals it. */
    private void checkReadableAndSeal(Path data, Map<String, String> env, long accepted) throws Exception {
        JsonNode open = taskq.status(data);
        assertEquals(accepted, open.get("submitted").asLong(), () -> "submitted: " + open.toPrettyString());
        assertTrue(!open.get("sealed").asBoolean(), () -> "not sealed: " + open.toPrettyString());
        TaskqProcess tail = taskq.runOk("tail", "tail", "-m", "1", "--data-dir", data.toString());
        assertTrue(tail.stdout().contains("seq: " + (accepted - 1)), tail::describe);

        TaskqProcess sealer = taskq.run("sealer", env, "produce", "--count", "0", "--seal",
                "--data-dir", data.toString());
        assertEquals(0, sealer.exitCode(), sealer::describe);
        assertTrue(sealer.stdout().contains(String.format("stream sealed at %,d tasks", accepted)), sealer::describe);
    }

    /**
     * The consumers stop at end of stream, join --all returns, the totals are exactly the closed form over the
     * accepted tasks, and the results log holds exactly one outcome, ok, for each of them.
     */
    private void finish(Path data, List<TaskqProcess> consumers, long accepted) throws Exception {
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(Duration.ofSeconds(120)), c::describe);
        taskq.runOk("join", "join", "--all", "--timeout", "30s", "--data-dir", data.toString());
        StatusAssertions.assertAllDoneExactlyOnce(taskq.status(data), accepted, Workload.expectedSumValue(accepted),
                Workload.expectedSumPayload(accepted));
        BitSet seen = new BitSet();
        long[] outcomes = new long[1];
        try (DataDirectory dir = DataDirectory.openExisting(data, RollCycles.FAST_DAILY);
             ResultsReader reader = new ResultsReader(dir)) {
            while (reader.poll(o -> {
                outcomes[0]++;
                assertEquals("ok", o.status().label(), o::toString);
                assertTrue(o.seq() >= 0 && o.seq() < accepted, o::toString);
                assertTrue(!seen.get((int) o.seq()), () -> "a second outcome for seq " + o.seq() + ": " + o);
                seen.set((int) o.seq());
            }) > 0) {
                // read on until nothing is left
            }
        }
        assertEquals(accepted, outcomes[0], "outcomes in the results log");
        assertEquals(accepted, seen.cardinality(), "distinct seqs with an outcome");
    }

    /** True while {@code dir} is a mount point, from /proc/self/mountinfo (field 5 is the mount point). */
    private static boolean isMountPoint(Path dir) throws IOException {
        String target = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo")))
            if (line.split(" ")[4].equals(target))
                return true;
        return false;
    }

    /** What this JVM has open or mapped under {@code dir}, from /proc/self. */
    private static String usesOf(Path dir) {
        List<String> uses = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps")))
                if (line.contains(dir.toString()))
                    uses.add("mapped " + line.substring(line.indexOf('/')));
        } catch (IOException e) {
            uses.add("/proc/self/maps unreadable: " + e);
        }
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir))
                        uses.add("open " + target);
                } catch (IOException gone) {
                    // the descriptor was closed while listing
                }
            }
        } catch (IOException e) {
            uses.add("/proc/self/fd unreadable: " + e);
        }
        return uses.toString();
    }

    /** Runs a short command; null if it exited 0, else its exit code and output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(SHORT_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            // It has had its time: no grace before SIGKILL.
            boolean gone = ChildProcesses.stop(p, Duration.ZERO);
            return String.join(" ", command) + " did not finish within " + SHORT_COMMAND_TIMEOUT.toSeconds() + " s"
                    + (gone ? "" : "; pid " + p.pid() + " still running even after SIGKILL");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }
}
