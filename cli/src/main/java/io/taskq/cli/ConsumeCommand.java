package io.taskq.cli;

import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.Handlers;
import io.taskq.consumer.TaskConsumer;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.idle.IdleStrategies;
import net.openhft.chronicle.threads.Pauser;
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
 * {@code taskq consume --index K|auto [--exit-on-eos] [--handler NAME] [--idle STRATEGY] [--batch-size N]
 * [--data-dir DIR]}: runs one consumer in this process. SIGTERM or Ctrl-C stops it gracefully: it finishes its
 * claimed batch (for at most {@code consumer.stop-grace}), commits the task in hand and marks its slot EXITED. A
 * long-running command: it logs its effective settings once at start.
 */
@Command(name = "consume", sortOptions = false, description = "run one consumer on its result slot")
final class ConsumeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeCommand.class);

    @Option(names = "--index", paramLabel = "K|auto", converter = OptionValues.SlotIndex.class,
            description = {"this consumer's result slot, 0..slots.max-1; one live consumer per index;",
                    "auto: take the lowest slot no live consumer holds (never used, released, or its owner is dead, "
                            + "whose unfinished batch it resumes); released again on exit"})
    private Integer index;
    @Option(names = "--exit-on-eos", description = "exit 0 once the stream is sealed and everything in it is claimed "
            + "and handled here; without it the consumer keeps serving")
    private boolean exitOnEos;
    @ConfigOverride("consumer.handler")
    @Option(names = "--handler", paramLabel = "NAME",
            description = "the TaskHandler to run (config consumer.handler, default ${DEFAULT-VALUE})")
    private String handler;
    @ConfigOverride("consumer.idle")
    @Option(names = "--idle", paramLabel = "STRATEGY", description = "busy, yielding, balanced or sleepy "
            + "(config consumer.idle, default ${DEFAULT-VALUE})")
    private String idle;
    @ConfigOverride("consumer.batch-size")
    @Option(names = "--batch-size", paramLabel = "N",
            description = "most tasks per claim (config consumer.batch-size, default ${DEFAULT-VALUE})")
    private String batchSize;
    @Mixin
    private DataDirOption dataDir;
    @Mixin
    private ConfigFileOption configFile;
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() throws Exception {
        PrintStream out = taskq.out();
        if (index == null)
            throw TaskQException.usage("taskq consume: --index K is required (this consumer's slot, 0..slots.max-1, "
                    + "or auto)");
        int requested = index;
        TaskQConfig config = Launch.config(spec);
        ConsumerSettings settings = ConsumerSettings.from(config, requested);
        TaskHandler handler = Handlers.create(settings.handler());
        Pauser pauser = IdleStrategies.create(settings.idle());
        LOG.info("consumer pid {} slot {}: {}, idle runs {}, exit-on-eos={}", ProcessHandle.current().pid(),
                requested == ConsumerSettings.AUTO_INDEX ? "auto" : requested,
                config.describe(ConsumerSettings.KEYS), IdleStrategies.describe(settings.idle(), pauser), exitOnEos);

        TaskConsumer consumer = TaskConsumer.open(settings, handler);
        int slot = consumer.index();
        long doneBefore = consumer.figures().done;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("Slot {}: stop requested, finishing the claimed batch (at most {})", slot,
                    Keys.format(settings.stopGrace()));
            consumer.requestStop(settings.stopGrace().toNanos());
            try {
                finished.await(settings.stopGrace().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "taskq-consumer-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean endOfStream;
        try {
            endOfStream = consumer.run(pauser, exitOnEos);
        } catch (RuntimeException e) {
            if (e instanceof TaskQException full && full.exitCode() == TaskQException.EXIT_NO_SPACE) {
                // A full disk: one line, no stack trace; the slot keeps its unfinished work for the restart.
                consumer.close();
                finished.countDown();
                throw new TaskQException(TaskQException.EXIT_NO_SPACE, "taskq consume: slot " + slot + ": disk full: "
                        + full.getMessage(), full);
            }
            // A handler's failures are retried and dead-lettered inside run; this is the consumer itself failing.
            LOG.error("Slot {}: stopped by an error; its unfinished work waits in the slot for a restart or an "
                    + "adopter", slot, e);
            consumer.close();
            finished.countDown();
            return TaskQException.EXIT_FAILED;
        }
        long handled = consumer.figures().done - doneBefore;
        long total = consumer.figures().done;
        consumer.close();
        // Print before releasing the stop hook: once it returns, the JVM halts.
        out.println("slot " + slot + ": handled " + Terminal.count(handled) + " tasks in this run, "
                + Terminal.count(total) + " in all; " + (endOfStream ? "end of stream" : "stopped"));
        out.flush();
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: this is the graceful stop it asked for.
        }
        return 0;
    }
}
