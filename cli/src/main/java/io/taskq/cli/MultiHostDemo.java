package io.taskq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.Await;
import io.taskq.common.TaskQException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code taskq demo --hosts H}: the multi-host job on one machine. Starts a development Kafka broker, H hosts (each its
 * own data directory, {@code taskq bridge} and C {@code taskq consume} processes), sends N synthetic task records with
 * {@code taskq kafka produce}, waits for N outcomes with {@code taskq kafka results --expect N}, and verifies the
 * results topic exactly: one outcome per record key, each with the example handler's answer for that record. Tears
 * every process down by its handle. Each process logs to {@code logs/} of the run.
 */
final class MultiHostDemo {
    private static final Pattern BROKER_READY = Pattern.compile("kafka broker ready: bootstrap (\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String JOB = "demo";

    private final Path dir;
    private final Path logs;
    private final List<String> configArgs;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Process> processes = new ArrayList<>();

    private MultiHostDemo(Path dir, Path logs, List<String> configArgs, PrintStream out, PrintStream err) {
        this.dir = dir;
        this.logs = logs;
        this.configArgs = configArgs;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the demo in {@code dir} (emptied first, as the one-host demo's); returns its exit code: 0 once verified.
     *
     * @param configArgs {@code --config FILE} to pass on, or nothing
     */
    static int run(Path dir, int hosts, int consumers, long count, List<String> configArgs, PrintStream out,
                   PrintStream err) throws IOException, InterruptedException {
        DemoCommand.prepare(dir);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        MultiHostDemo demo = new MultiHostDemo(dir, logs, configArgs, out, err);
        out.printf("TaskQ multi-host demo: %s task records through Kafka, %d hosts with a bridge and %d consumers "
                + "each, as separate JVMs, in %s%n", Terminal.count(count), hosts, consumers, dir);
        try {
            return demo.run(hosts, consumers, count);
        } finally {
            if (!ChildProcesses.stopAll(demo.processes, ChildProcesses.DEFAULT_GRACE))
                err.println("taskq demo: some of its processes did not exit even after SIGKILL: pids "
                        + demo.processes.stream().filter(Process::isAlive).map(p -> String.valueOf(p.pid())).toList());
        }
    }

    private int run(int hosts, int consumers, long count) throws IOException, InterruptedException {
        start("kafka-broker", List.of("kafka", "broker", "--data-dir", dir.resolve("broker").toString(), "--port",
                "0"));
        String bootstrap = awaitLog("kafka-broker", BROKER_READY);
        if (bootstrap == null)
            return failed("the development broker did not start");
        out.println("broker ready at " + bootstrap);
        List<String> kafka = new ArrayList<>(List.of("--bootstrap", bootstrap));
        kafka.addAll(configArgs);

        for (int h = 1; h <= hosts; h++) {
            String id = "h" + h;
            Path data = dir.resolve("hosts").resolve(id);
            for (int k = 0; k < consumers; k++) {
                List<String> args = new ArrayList<>(List.of("consume", "--index", String.valueOf(k), "--data-dir",
                        data.toString()));
                args.addAll(configArgs);
                start(id + "-consumer-" + k, args);
            }
            List<String> bridge = new ArrayList<>(List.of("bridge", "--data-dir", data.toString(), "--host-id", id));
            bridge.addAll(kafka);
            start(id + "-bridge", bridge);
        }
        for (int h = 1; h <= hosts; h++)
            if (awaitLog("h" + h + "-bridge", Pattern.compile("bridge host h" + h + ": (owns) ")) == null)
                return failed("the bridge of host h" + h + " did not join the group");
        out.println(hosts + " hosts ready; sending the task records");

        long start = System.currentTimeMillis();
        List<String> produce = new ArrayList<>(List.of("kafka", "produce", "--count", String.valueOf(count), "--job",
                JOB));
        produce.addAll(kafka);
        if (runToEnd("kafka-produce", produce, Duration.ofSeconds(120 + count / 5_000)) != 0)
            return failed("sending the task records failed");
        Path results = dir.resolve("results.jsonl");
        List<String> expect = new ArrayList<>(List.of("kafka", "results", "--expect", String.valueOf(count), "--json",
                "--timeout", (120 + count / 2_000) + "s"));
        expect.addAll(kafka);
        Process reader = new ProcessBuilder(JvmLauncher.command("kafka-results", List.of(), expect))
                .redirectOutput(results.toFile()).redirectError(logs.resolve("kafka-results.log").toFile()).start();
        processes.add(reader);
        if (!reader.waitFor(180 + count / 2_000, TimeUnit.SECONDS) || reader.exitValue() != 0)
            return failed("the results topic did not get " + Terminal.count(count) + " outcomes (kafka results "
                    + (reader.isAlive() ? "still running" : "exited with " + reader.exitValue()) + ")");
        return verify(results, count, start);
    }

    /** Checks every outcome of the results topic against the record it answers, and prints the summary. */
    private int verify(Path results, long count, long startMillis) throws IOException {
        ObjectMapper json = new ObjectMapper();
        boolean[] seen = new boolean[(int) count];
        Map<String, Long> byHost = new TreeMap<>();
        long outcomes = 0;
        long firstHandled = Long.MAX_VALUE;
        long lastHandled = 0;
        String wrong = null;
        try (BufferedReader lines = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode o = json.readTree(line);
                outcomes++;
                String key = o.path("key").asText();
                long i = key.startsWith(JOB + "-") ? parse(key.substring(JOB.length() + 1)) : -1;
                if (i < 0 || i >= count)
                    wrong = wrong != null ? wrong : "an outcome for a key not sent: " + key;
                else if (seen[(int) i])
                    wrong = wrong != null ? wrong : "a second outcome for " + key;
                else if (!"ok".equals(o.path("status").asText()) || o.path("value").asLong() != i % 1000 + 1
                        || o.path("payload").asDouble() != i)
                    wrong = wrong != null ? wrong : "a wrong outcome for " + key + ": " + line;
                else
                    seen[(int) i] = true;
                byHost.merge(o.path("host").asText(), 1L, Long::sum);
                firstHandled = Math.min(firstHandled, o.path("handledAtMillis").asLong());
                lastHandled = Math.max(lastHandled, o.path("handledAtMillis").asLong());
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%-6s %12s %8s%n", "host", "outcomes", "share");
        for (Map.Entry<String, Long> e : byHost.entrySet())
            out.printf(Locale.ROOT, "%-6s %12s %7.1f%%%n", e.getKey(), Terminal.count(e.getValue()),
                    100.0 * e.getValue() / Math.max(1, outcomes));
        out.printf(Locale.ROOT, "%-6s %12s%n", "total", Terminal.count(outcomes));
        double seconds = (lastHandled - firstHandled) / 1000.0;
        if (seconds > 0)
            out.printf(Locale.ROOT, "throughput: %s records/s (from the first task handled to the last, %.1f s; "
                            + "%.1f s from starting the producer's JVM)%n",
                    Terminal.count(Math.round(outcomes / seconds)), seconds, (lastHandled - startMillis) / 1000.0);
        if (wrong == null && outcomes == count) {
            out.println("VERIFIED: " + Terminal.count(count) + " task records, exactly one outcome each in the results "
                    + "topic, each the right answer for its record.");
            return 0;
        }
        out.println("NOT VERIFIED: " + (wrong != null ? wrong : Terminal.count(outcomes) + " outcomes for "
                + Terminal.count(count) + " records") + "; see " + results + " and the logs in " + logs);
        return TaskQException.EXIT_FAILED;
    }

    private static long parse(String index) {
        try {
            return Long.parseLong(index);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int failed(String what) {
        err.println("taskq demo: " + what + "; see the logs in " + logs);
        out.println("NOT VERIFIED: " + what);
        return TaskQException.EXIT_FAILED;
    }

    private void start(String role, List<String> args) throws IOException {
        processes.add(DemoCommand.start(role, args, logs));
    }

    private int runToEnd(String role, List<String> args, Duration timeout) throws IOException, InterruptedException {
        Process p = DemoCommand.start(role, args, logs);
        processes.add(p);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            return TaskQException.EXIT_TIMEOUT;
        return p.exitValue();
    }

    /**
     * Waits until the log of {@code role} has a line matching {@code pattern}; its first group, or null if a process
     * exits or the start timeout passes first.
     */
    private String awaitLog(String role, Pattern pattern) throws IOException {
        Path log = logs.resolve(role + ".log");
        String[] found = new String[1];
        Await.backoff(Duration.ofMillis(50), Duration.ofMillis(500)).until(START_TIMEOUT, () -> {
            Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find())
                found[0] = m.group(1);
            return found[0] != null || processes.stream().anyMatch(p -> !p.isAlive());
        });
        return found[0];
    }
}
