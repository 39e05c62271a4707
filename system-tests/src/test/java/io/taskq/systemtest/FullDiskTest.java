package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.common.TaskQException;
import io.taskq.common.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer that fills a small file system (a 64 MiB tmpfs the test mounts) stops with a one-line error that says
 * how many tasks it accepted and exits 4; the data directory stays readable (status, tail); the stream can still be
 * sealed on the full file system; and the consumers handle exactly the accepted tasks, with the closed-form totals.
 * <p>
 * Needs root (to mount the tmpfs) and is skipped otherwise. A file-size limit ({@code prlimit --fsize}) cannot stand in
 * for a full disk here: Chronicle Queue grows its files sparsely in 64 MiB chunks with {@code ftruncate}, so such a
 * limit fails the first chunk, not the write that fills the disk.
 */
class FullDiskTest extends ProcessTest {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final long RESERVE = 16L << 20;
    private static final Pattern ACCEPTED = Pattern.compile("taskq produce: disk full: accepted ([0-9,]+) tasks \\(seq 0\\.\\.([0-9]+)\\)");

    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        disk = tmp.resolve("disk");
        Files.createDirectories(disk);
        String output = run(List.of("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", disk.toString()));
        Assumptions.assumeTrue(output == null, () -> "needs root to mount a 64 MiB tmpfs (mount -t tmpfs failed: " + output
                + "); a file-size limit cannot stand in, see the class comment");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        // Every process with a file open on the tmpfs must be gone before it can be unmounted.
        taskq.close();
        // This JVM's own mappings of the ledger and map are released by Chronicle a moment after close, so the
        // first attempts may find the file system busy.
        if (mounted)
            Poll.until(Duration.ofSeconds(60), "umount " + disk + " to succeed", () -> run(List.of("umount", disk.toString())),
                    output -> output == null, output -> output + "; this JVM still uses: " + usesOf(disk));
    }

    @Test
    @Timeout(420)
    void shouldStopTheProducerCleanlyOnAFullDiskAndLetConsumersFinishWhatItAccepted() throws Exception {
        Path data = disk.resolve("data");
        Map<String, String> env = Map.of("TASKQ_QUEUE_MIN_FREE_BYTES", String.valueOf(RESERVE));
        List<TaskqProcess> consumers = new ArrayList<>();
        for (int k = 0; k < 2; k++)
            consumers.add(taskq.start("consumer-" + k, env, "consume", "--index", String.valueOf(k), "--exit-on-eos",
                    "--data-dir", data.toString()));
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "two consumers to take their slots", p -> p.slots().size() == 2,
                    consumers.toArray(TaskqProcess[]::new));
        }

        // Far more than 64 MiB holds (about 80 bytes a task): the disk fills first.
        TaskqProcess producer = taskq.start("producer", env, "produce", "--count", "50000000", "--data-dir", data.toString());
        assertEquals(TaskQException.EXIT_NO_SPACE, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        List<String> errors = producer.stderr().lines().filter(l -> l.startsWith("taskq produce:")).toList();
        assertEquals(1, errors.size(), producer::describe);
        String error = errors.get(0);
        Matcher m = ACCEPTED.matcher(error);
        assertTrue(m.find(), () -> "the error says how many tasks were accepted: " + error);
        long accepted = Long.parseLong(m.group(1).replace(",", ""));
        assertEquals(accepted - 1, Long.parseLong(m.group(2)), error);
        assertTrue(accepted > 100_000, () -> "a 64 MiB disk holds far more than 100,000 tasks: " + error);
        assertTrue(error.contains("below queue.min-free-bytes=" + RESERVE), error);
        assertTrue(error.contains("taskq produce --count 0 --seal"), error);
        System.out.printf("full disk: the producer accepted %,d tasks, %s free afterwards%n", accepted,
                Files.getFileStore(disk).getUsableSpace());

        long free = Files.getFileStore(disk).getUsableSpace();
        assertTrue(free > RESERVE / 2, "the producer left most of the reserve free: " + free + " bytes");
        JsonNode open = taskq.status(data);
        assertEquals(accepted, open.get("submitted").asLong(), () -> "submitted: " + open.toPrettyString());
        assertTrue(!open.get("sealed").asBoolean(), () -> "not sealed: " + open.toPrettyString());
        TaskqProcess tail = taskq.runOk("tail", "tail", "-m", "1", "--data-dir", data.toString());
        assertTrue(tail.stdout().contains("seq: " + (accepted - 1)), tail::describe);

        // Sealing writes one small excerpt into the reserve, so it works on the full file system.
        TaskqProcess sealer = taskq.run("sealer", env, "produce", "--count", "0", "--seal", "--data-dir", data.toString());
        assertEquals(0, sealer.exitCode(), sealer::describe);
        assertTrue(sealer.stdout().contains(String.format("stream sealed at %,d tasks", accepted)), sealer::describe);
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(Duration.ofSeconds(120)), c::describe);
        taskq.runOk("join", "join", "--all", "--timeout", "30s", "--data-dir", data.toString());
        StatusAssertions.assertAllDoneExactlyOnce(taskq.status(data), accepted, Workload.expectedSumValue(accepted),
                Workload.expectedSumPayload(accepted));
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
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish within 30 s";
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }
}
