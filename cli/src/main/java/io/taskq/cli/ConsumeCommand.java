package io.taskq.cli;

import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.Handlers;
import io.taskq.consumer.TaskConsumer;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.Ledger;
import net.openhft.chronicle.threads.Pauser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code taskq consume --index K|auto [--exit-on-eos] [--handler NAME] [--idle STRATEGY] [--batch-size N] [--data-dir DIR]}:
 * runs one consumer in this process. SIGTERM or Ctrl-C stops it gracefully: it finishes its claimed batch (for at
 * most {@code consumer.stop-grace}), commits the task in hand and marks its slot EXITED.
 */
public final class ConsumeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeCommand.class);
    public static final String USAGE = """
            usage: taskq consume --index K|auto [--exit-on-eos] [--handler NAME] [--idle STRATEGY] [--batch-size N]
                                 [--data-dir DIR] [--config FILE]
              --index K        this consumer's result slot, 0..slots.max-1; one live consumer per index
              --index auto     take the lowest slot no live consumer holds (never used, released, or its owner
                               is dead, whose unfinished batch it resumes); released again on exit
              --exit-on-eos    exit 0 once the stream is sealed and everything in it is claimed and handled here;
                               without it the consumer keeps serving
              --handler NAME   the TaskHandler to run (default consumer.handler, "example")
              --idle STRATEGY  busy, yielding, balanced or sleepy (default consumer.idle)
              --batch-size N   most tasks per claim (default consumer.batch-size)
            """;

    private ConsumeCommand() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse("taskq consume", args,
                Set.of("index", "handler", "idle", "batch-size", "data-dir", "config"), Set.of("exit-on-eos", "help"), false);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        if (!o.has("index"))
            throw TaskQException.usage("taskq consume: --index K is required (this consumer's slot, 0..slots.max-1, or auto)");
        String indexArg = o.get("index");
        if (!indexArg.equals("auto") && !indexArg.matches("[0-9_]+"))
            throw TaskQException.usage("taskq consume: --index=" + indexArg + ": must be a slot number (0..slots.max-1) or auto");
        int requested = indexArg.equals("auto") ? ConsumerSettings.AUTO_INDEX
                : (int) o.longValue("index", 0, Ledger.MAX_SLOTS - 1, 0);
        TaskQConfig config = Launch.config(o, Map.of("data-dir", Keys.DATA_DIR.name(), "handler", Keys.HANDLER.name(),
                "idle", Keys.IDLE.name(), "batch-size", Keys.BATCH_SIZE.name()));
        ConsumerSettings settings = ConsumerSettings.from(config, requested);
        TaskHandler handler = Handlers.create(settings.handler());
        Pauser pauser = IdleStrategies.create(settings.idle());
        boolean exitOnEos = o.flag("exit-on-eos");
        LOG.info("consumer pid {} slot {}: {}, idle runs {}, exit-on-eos={}", ProcessHandle.current().pid(),
                requested == ConsumerSettings.AUTO_INDEX ? "auto" : requested,
                config.describe(ConsumerSettings.KEYS), IdleStrategies.describe(settings.idle(), pauser), exitOnEos);

        TaskConsumer consumer = TaskConsumer.open(settings, handler);
        int index = consumer.index();
        long doneBefore = consumer.figures().done;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("Slot {}: stop requested, finishing the claimed batch (at most {})", index, Keys.format(settings.stopGrace()));
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
        } catch (Exception e) {
            LOG.error("Slot {}: handler '{}' failed; the task in hand was not committed and runs again when this index restarts",
                    index, settings.handler(), e);
            consumer.close();
            finished.countDown();
            return TaskQException.EXIT_FAILED;
        }
        long handled = consumer.figures().done - doneBefore;
        long total = consumer.figures().done;
        consumer.close();
        // Print before releasing the stop hook: once it returns, the JVM halts.
        out.println("slot " + index + ": handled " + Terminal.count(handled) + " tasks in this run, "
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
