package io.taskq.bench;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BenchProducer}'s {@code --batch}: the usage errors, one line each with exit code 2, and batch puts in one
 * process with no consumer (so join gives up at once, exit 3, after every put got its expected first seq).
 */
class BenchProducerTest {
    private record Outcome(int code, String err) {
    }

    private static Outcome producer(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchProducer.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void batchIsForUnpacedRunsOnly(@TempDir Path dir) {
        Outcome o = producer("--data-dir", dir.resolve("data").toString(), "--count", "100", "--rate", "1000",
                "--schedule", dir.resolve("schedule").toString(), "--batch", "64", "--result",
                dir.resolve("result").toString());
        assertEquals(TaskQException.EXIT_USAGE, o.code(), o.err());
        assertEquals("bench producer: --batch 64 is for unpaced runs only: with --rate each task is put on its own "
                + "when it is due", o.err());
    }

    @Test
    void batchMustBe1To65536(@TempDir Path dir) {
        for (String batch : List.of("0", "65537")) {
            Outcome o = producer("--data-dir", dir.resolve("data").toString(), "--count", "100", "--batch", batch,
                    "--result", dir.resolve("result").toString());
            assertEquals(TaskQException.EXIT_USAGE, o.code(), o.err());
            assertEquals("bench producer: --batch=" + batch + ": must be 1..65536", o.err());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void putsEveryTaskInBatchesWithDenseSeqsTheLastOneShort(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        Path result = dir.resolve("result");
        Outcome o = producer("--data-dir", data.toString(), "--count", "1000", "--batch", "64", "--timeout", "0s",
                "--result", result.toString());
        assertEquals(TaskQException.EXIT_TIMEOUT, o.code(), "no consumer, so join gives up: " + o.err());
        Properties figures = RunFile.read(result);
        assertEquals(64, RunFile.longValue(figures, "batch", result));
        assertEquals(1000, RunFile.longValue(figures, "count", result));
        try (DataDirectory d = DataDirectory.openExisting(data, Keys.ROLL_CYCLE.defaultValue())) {
            Progress p = Progress.read(d);
            assertEquals(1000, p.submitted(), "15 batches of 64 and one of 40");
            assertTrue(p.sealed());
        }
    }
}
