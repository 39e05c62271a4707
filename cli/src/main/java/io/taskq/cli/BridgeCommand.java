package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import io.taskq.kafka.Bridge;
import io.taskq.kafka.BridgeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code taskq bridge [--data-dir DIR] [--bootstrap HOST:PORT] [--host-id H]}: this host's bridge between Kafka and
 * its data directory ({@link Bridge}): takes task records from the tasks topic in the bridges' consumer group, puts
 * them as tasks for this host's {@code taskq consume} processes, and publishes each outcome to the results topic
 * exactly once. Runs until SIGTERM or Ctrl-C, then commits what is finished and leaves the group. Prints
 * {@code bridge ready: ...} once it has joined.
 */
@Command(name = "bridge", sortOptions = false,
        description = "share work with other hosts through Kafka: task records in, one outcome per record out")
final class BridgeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeCommand.class);
    /** How long a stop waits for the bridge to commit and leave the group. */
    private static final long STOP_WAIT_MILLIS = 30_000;

    @ConfigOverride("bridge.host-id")
    @Option(names = "--host-id", paramLabel = "H", description = "this host's id among the bridges (config "
            + "bridge.host-id; default: an id kept in the data directory)")
    private String hostId;
    @Mixin
    private DataDirOption dataDir;
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() {
        PrintStream out = taskq.out();
        TaskQConfig config = Launch.config(spec);
        BridgeSettings settings = BridgeSettings.from(config);
        LOG.info("bridge pid {}: {}", ProcessHandle.current().pid(), config.describe(BridgeSettings.KEYS));
        Bridge bridge = Bridge.open(settings);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("bridge host {}: stop requested; committing what is finished", bridge.hostId());
            bridge.stop();
            try {
                finished.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "taskq-bridge-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bridge.connect();
            out.println("bridge ready: host " + bridge.hostId() + " (transactional id " + bridge.transactionalId()
                    + "), group " + settings.kafka().group() + ", " + settings.kafka().tasksTopic() + " -> "
                    + settings.producer().dataDir() + " -> " + settings.kafka().resultsTopic() + " at "
                    + settings.kafka().bootstrap());
            out.flush();
            bridge.run();
        } catch (TaskQException e) {
            close(bridge, finished, hook);
            throw e;
        } catch (RuntimeException e) {
            LOG.error("bridge host {}: stopped by an error", bridge.hostId(), e);
            close(bridge, finished, hook);
            throw new TaskQException(TaskQException.EXIT_FAILED, "stopped by " + e, e);
        }
        bridge.close();
        // Printed before the hook is released: once it returns, the JVM halts.
        out.println("bridge host " + bridge.hostId() + ": put " + Terminal.count(bridge.putCount())
                + " tasks, published " + Terminal.count(bridge.publishedCount()) + " outcomes; stopped");
        out.flush();
        finished.countDown();
        removeHook(hook);
        return 0;
    }

    private static void close(Bridge bridge, CountDownLatch finished, Thread hook) {
        try {
            bridge.close();
        } finally {
            finished.countDown();
            removeHook(hook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: this is the stop it asked for.
        }
    }
}
