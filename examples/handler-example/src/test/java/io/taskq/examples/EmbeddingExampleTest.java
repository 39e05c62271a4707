package io.taskq.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two embedding programs the README shows: run exactly as written, each in its own JVM, on one data directory,
 * and shown in the README exactly as written.
 */
class EmbeddingExampleTest {
    private static final Path SOURCES = Path.of("src/main/java/io/taskq/examples");
    private static final Path README = Path.of(System.getProperty("taskq.project.root", "../.."), "README.md");

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void theProducerAndConsumerProgramsShouldRunAJobToTheEnd() throws Exception {
        int n = 10_000;
        Path data = dir.resolve("data");
        List<Process> started = new ArrayList<>();
        try {
            Process consumer = start(EmbeddedConsumer.class, "consumer", data.toString(), "0");
            started.add(consumer);
            Process producer = start(EmbeddedProducer.class, "producer", data.toString(), String.valueOf(n));
            started.add(producer);
            assertTrue(producer.waitFor(180, TimeUnit.SECONDS), "the producer finished");
            assertEquals(0, producer.exitValue(), () -> output("producer"));
            assertTrue(consumer.waitFor(30, TimeUnit.SECONDS), "the consumer stopped at end of stream");
            assertEquals(0, consumer.exitValue(), () -> output("consumer"));
        } finally {
            for (Process p : started)
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
        }
        // SquareHandler: value i -> i * i, payload i / 2 -> i * i / 4; every partial sum is exact in a double.
        long sumOfSquares = (long) (n - 1) * n * (2L * n - 1) / 6;
        assertEquals(List.of("sealed at " + n + " tasks; all done"), lines("producer"));
        assertEquals(List.of("slot 0: " + n + " tasks, sum of values " + sumOfSquares + ", sum of payloads "
                + sumOfSquares / 4.0), lines("consumer"));
    }

    @Test
    void theReadmeShouldShowEachProgramVerbatim() throws IOException {
        String readme = Files.readString(README);
        for (String program : List.of("EmbeddedProducer.java", "EmbeddedConsumer.java")) {
            String source = Files.readString(SOURCES.resolve(program));
            assertTrue(readme.contains("```java\n" + source + "```\n"),
                    program + " is not in " + README + " verbatim between ```java fences");
        }
    }

    /**
     * A JVM with this test's classpath and JVM flags (Chronicle's module flags, analytics off) running {@code main}.
     */
    private Process start(Class<?> main, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    private List<String> lines(String name) throws IOException {
        return Files.readAllLines(dir.resolve(name + ".out"));
    }

    private String output(String name) {
        try {
            return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
