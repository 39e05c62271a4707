package io.taskq.cli;

import io.taskq.common.Await;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * {@code produce --wait-consumers K}: waits until K live consumers hold a slot of a data directory, saying what it
 * waits for at the start and every 5 s. These lines are marked {@link QuietConsole#SHOWN}: a quiet produce still
 * shows them, since a wait without them looks like a hang. Not thread-safe; one wait per instance.
 */
final class ConsumerWait {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerWait.class);
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final DataDirectory data;
    private final int wanted;
    private final long start = System.nanoTime();
    private long nextLog = start + LOG_EVERY_NANOS;
    private int live;

    ConsumerWait(DataDirectory data, int wanted) {
        this.data = data;
        this.wanted = wanted;
    }

    /** Consumers that hold a slot of {@code data} now. */
    static int liveConsumers(DataDirectory data) {
        return Progress.read(data).liveConsumers();
    }

    /**
     * True once {@code wanted} consumers hold a slot; false if {@code timeout} passes first or the thread is
     * interrupted.
     */
    boolean await(Duration timeout) {
        live = liveConsumers(data);
        if (live < wanted)
            LOG.info(QuietConsole.SHOWN, "waiting for {} consumers to hold a slot in {} ({} do)", wanted, data.dir(),
                    live);
        if (!Await.STEADY.until(timeout, this::enough))
            return false;
        LOG.info(QuietConsole.SHOWN, "{} consumers hold a slot; producing", live);
        return true;
    }

    private boolean enough() {
        live = liveConsumers(data);
        if (live >= wanted)
            return true;
        long now = System.nanoTime();
        if (now - nextLog >= 0) {
            LOG.info(QuietConsole.SHOWN, "still waiting for consumers: {} of {} hold a slot after {} s", live, wanted,
                    (now - start) / 1_000_000_000L);
            nextLog = now + LOG_EVERY_NANOS;
        }
        return false;
    }
}
