package io.taskq.common.store;

import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LedgerTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldNotLoseClaimCursorUpdatesWhenTwoMappingsRace() throws Exception {
        int perThread = 200_000;
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY)) {
            data.ledger().publishSubmitted(2L * perThread);
        }
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicLong failures = new AtomicLong();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                try (Ledger ledger = Ledger.open(dir.resolve(DataDirectory.LEDGER))) {
                    for (int i = 0; i < perThread; ) {
                        long w = ledger.claimCursor();
                        if (ledger.casClaimCursor(w, Ledger.cursorWord(Ledger.claimPosition(w) + 1, me)))
                            i++;
                        else
                            failures.incrementAndGet();
                    }
                }
            });
            threads[t].setUncaughtExceptionHandler((th, e) -> error.set(e));
            threads[t].start();
        }
        for (Thread t : threads)
            t.join();
        assertNull(error.get(), () -> "a racing thread failed: " + error.get());
        try (Ledger ledger = Ledger.open(dir.resolve(DataDirectory.LEDGER))) {
            assertEquals(2L * perThread, Ledger.claimPosition(ledger.claimCursor()));
        }
    }
}
