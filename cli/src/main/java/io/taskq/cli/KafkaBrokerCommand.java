package io.taskq.cli;

import io.taskq.common.Await;
import io.taskq.common.TaskQException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code taskq kafka broker --data-dir DIR [--port P] [--heap SIZE]}: a single-node Kafka broker in KRaft mode
 * (broker and controller in one JVM) for trying multi-host TaskQ on one machine, from the jars the build puts in
 * {@code kafka-broker/target/lib}. It listens on loopback only, formats {@code DIR} on first use (later runs restart
 * the same cluster, on the same ports), prints {@code kafka broker ready: bootstrap 127.0.0.1:P ...} once clients can
 * connect, and stops the broker on SIGTERM or Ctrl-C. Production uses a real Kafka cluster: give every Kafka command
 * {@code --bootstrap} (or {@code kafka.bootstrap}) for it.
 */
@Command(name = "broker", sortOptions = false,
        description = "run a single-node development Kafka broker (KRaft) on loopback until stopped")
final class KafkaBrokerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerCommand.class);
    /** How long the broker gets to start (a cold start takes 2 to 4 s on 2 cores). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final String PROPERTIES = "server.properties";

    @Option(names = "--data-dir", paramLabel = "DIR", required = true,
            description = "the broker's own folder: configuration, logs and Kafka data (created and formatted on "
                    + "first use)")
    private Path dir;
    @Option(names = "--port", paramLabel = "P", description = "the client port on 127.0.0.1 (default: the port of "
            + "an earlier run in DIR, else 9092; 0 picks a free one)")
    private Integer port;
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m",
            description = "the broker JVM's -Xmx (default ${DEFAULT-VALUE})")
    private String heap;
    @Mixin
    private HelpOption help;
    @ParentCommand
    private KafkaCommand parent;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (port != null && (port < 0 || port > 65535))
            throw TaskQException.usage("--port " + port + ": must be 0..65535");
        if (!heap.matches("\\d+[kmgKMG]?"))
            throw TaskQException.usage("--heap " + heap + ": must be a JVM heap size such as 512m or 1g");
        Path lib = brokerLib();
        Path home = dir.toAbsolutePath().normalize();
        Files.createDirectories(home);
        Path config = home.resolve(PROPERTIES);
        Properties previous = load(config);
        boolean formatted = Files.exists(home.resolve("data").resolve("meta.properties"));
        int clientPort = port != null ? port : Integer.parseInt(previous.getProperty("taskq.client-port", "9092"));
        if (clientPort == 0)
            clientPort = freePort();
        int controllerPort = formatted && previous.getProperty("taskq.controller-port") != null
                ? Integer.parseInt(previous.getProperty("taskq.controller-port")) : freePort();
        writeConfig(home, clientPort, controllerPort);
        if (!formatted)
            format(lib, home);
        Process broker = new ProcessBuilder(javaCommand(lib, List.of("-Xms128m", "-Xmx" + heap,
                "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties")), "kafka.Kafka",
                config.toString()))
                .redirectOutput(home.resolve("broker.out").toFile())
                .redirectErrorStream(true)
                .start();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                ChildProcesses.stop(broker, STOP_GRACE);
                finished.await(STOP_GRACE.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "taskq-kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        String bootstrap = "127.0.0.1:" + clientPort;
        if (!awaitReady(broker, bootstrap)) {
            ChildProcesses.stop(broker, STOP_GRACE);
            finished.countDown();
            removeHook(hook);
            throw new TaskQException(TaskQException.EXIT_FAILED, "the broker did not start within "
                    + START_TIMEOUT.toSeconds() + " s" + (broker.isAlive() ? "" : " (it exited with "
                    + broker.exitValue() + ")") + "; see " + home.resolve("server.log"));
        }
        parent.taskq().out().println("kafka broker ready: bootstrap " + bootstrap + " (pid " + broker.pid()
                + ", data " + home + ", log " + home.resolve("server.log") + ")");
        parent.taskq().out().flush();
        int exit = broker.waitFor();
        // Here only if the broker stopped by itself, or the stop hook stopped it (the JVM then halts after the hook).
        finished.countDown();
        removeHook(hook);
        throw new TaskQException(TaskQException.EXIT_FAILED, "the broker exited with " + exit + "; see "
                + home.resolve("server.log"));
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs already: the stop it does is the one wanted.
        }
    }

    /** The broker's classpath folder, built by the kafka-broker module. */
    private static Path brokerLib() {
        String home = System.getProperty("taskq.home", System.getenv("TASKQ_HOME"));
        Path lib = Path.of(home == null ? "." : home, "kafka-broker", "target", "lib");
        if (!Files.isDirectory(lib))
            throw TaskQException.usage("no development broker jars in " + lib + " (build them with ./mvnw package "
                    + "-DskipTests)");
        return lib;
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file))
            try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(reader);
            }
        return p;
    }

    /** A port free on loopback now (a small race with other processes, acceptable for a development broker). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void writeConfig(Path home, int clientPort, int controllerPort) throws IOException {
        String listeners = "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String server = String.join("\n",
                "# Written by taskq kafka broker: a single-node development broker on loopback.",
                "taskq.client-port=" + clientPort,
                "taskq.controller-port=" + controllerPort,
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=" + listeners,
                "advertised.listeners=" + listeners,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + home.resolve("data"),
                "num.partitions=6",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "# A killed host's open transaction is aborted soon after its timeout, not up to 10 s later.",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                "");
        Files.writeString(home.resolve(PROPERTIES), server, StandardCharsets.UTF_8);
        String log4j = String.join("\n",
                "appender.file.type=File",
                "appender.file.name=FILE",
                "appender.file.fileName=" + home.resolve("server.log"),
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=[%d] %p %m (%c)%n",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.file.ref=FILE",
                "");
        Files.writeString(home.resolve("log4j2.properties"), log4j, StandardCharsets.UTF_8);
    }

    /** Formats the broker's storage once, as a standalone KRaft controller with a new cluster id. */
    private static void format(Path lib, Path home) throws IOException, InterruptedException {
        String clusterId = Uuid.randomUuid().toString();
        Path log = home.resolve("format.out");
        Process format = new ProcessBuilder(javaCommand(lib, List.of("-Xmx256m"), "kafka.tools.StorageTool",
                "format", "--standalone", "-t", clusterId, "-c", home.resolve(PROPERTIES).toString()))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            ChildProcesses.stop(format, Duration.ofSeconds(5));
            throw new TaskQException(TaskQException.EXIT_FAILED, "formatting the broker's storage in " + home
                    + " did not finish; see " + log);
        }
        if (format.exitValue() != 0)
            throw new TaskQException(TaskQException.EXIT_FAILED, "formatting the broker's storage in " + home
                    + " failed with exit " + format.exitValue() + "; see " + log);
        LOG.info("Formatted {} as Kafka cluster {}", home, clusterId);
    }

    private static List<String> javaCommand(Path lib, List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmLauncher.FLAGS);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(lib + "/*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits until the broker answers a client (describeCluster); false if it exits or the start timeout passes. */
    private static boolean awaitReady(Process broker, String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(p)) {
            boolean answered = Await.backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).until(START_TIMEOUT,
                    () -> !broker.isAlive() || answers(admin));
            return answered && broker.isAlive();
        }
    }

    /** Whether the cluster answers a describeCluster within 2 s. */
    private static boolean answers(Admin admin) {
        try {
            admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | KafkaException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
