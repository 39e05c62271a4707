package io.taskq.systemtest;

import io.taskq.common.Await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real single-node Kafka broker for one test: {@code bin/taskq kafka broker --port 0} in the test's directory, on a
 * free loopback port. It is one of the {@link Taskq} launcher's processes, so it is stopped by its handle after the
 * test (SIGTERM, which stops the broker JVM it started, then SIGKILL of both if needed), or earlier by {@link #stop()}.
 * <p>
 * Not thread-safe; used from the test thread.
 */
final class KafkaBroker {
    /**
     * The JUnit tag of the tests that need a broker: left out of the default build (system-tests/pom.xml), run by
     * .ci/run on their own.
     */
    static final String TAG = "kafka";

    /** A cold start (format, then broker) takes about 5 s on 2 cores; much more when the machine is loaded. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern READY = Pattern.compile("kafka broker ready: bootstrap (\\S+)");

    private final TaskqProcess process;
    private final String bootstrap;

    private KafkaBroker(TaskqProcess process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker with its data in {@code dir} and waits until clients can connect. */
    static KafkaBroker start(Taskq taskq, Path dir) throws Exception {
        TaskqProcess p = taskq.start("kafka-broker", "kafka", "broker", "--data-dir", dir.toString(), "--port", "0",
                "--heap", "384m");
        String[] address = new String[1];
        boolean ready = Await.STEADY.until(START_TIMEOUT, () -> {
            Matcher m = READY.matcher(p.stdout());
            if (m.find()) {
                address[0] = m.group(1);
                return true;
            }
            if (!p.isAlive())
                throw new AssertionError("the Kafka broker exited before it was ready\n" + p.describe());
            return false;
        });
        if (!ready)
            throw new AssertionError("the Kafka broker was not ready within " + START_TIMEOUT + "\n" + p.describe());
        return new KafkaBroker(p, address[0]);
    }

    /** {@code host:port} for {@code --bootstrap} and {@code kafka.bootstrap}. */
    String bootstrap() {
        return bootstrap;
    }

    /** Stops the broker (SIGTERM, SIGKILL after a grace period) and waits until it is gone. */
    void stop() throws InterruptedException {
        if (!process.stop(Duration.ofSeconds(30)))
            throw new AssertionError("the Kafka broker survived SIGKILL\n" + process.describe());
    }
}
