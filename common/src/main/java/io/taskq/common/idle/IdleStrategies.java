package io.taskq.common.idle;

import net.openhft.chronicle.threads.BusyPauser;
import net.openhft.chronicle.threads.LongPauser;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.threads.YieldingPauser;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maps an idle-strategy name to a Chronicle {@link Pauser}. The pausers are built directly rather than through
 * {@code Pauser.busy()} and friends, which quietly return a sleepy pauser on machines with fewer than 4 CPUs
 * ({@code pauser.minProcessors}); {@link #describe} says what really runs so it can be logged.
 */
public final class IdleStrategies {
    public static final List<String> NAMES = List.of("busy", "yielding", "balanced", "sleepy");

    private IdleStrategies() {
    }

    /** A new pauser for {@code name}; one per thread. */
    public static Pauser create(String name) {
        return switch (name) {
            case "busy" -> BusyPauser.INSTANCE;
            case "yielding" -> new YieldingPauser(2);
            // Yield, then back off from 200 us up to 20 ms: little CPU when idle, fast pick-up under load. No busy
            // spin: where consumers outnumber the cores, a spinning consumer takes the core the producer needs (2
            // cores, 3 consumers: about 8% less W1 throughput with 20 spins, and no better latency;
            // docs/BENCHMARKS.md).
            case "balanced" -> new LongPauser(0, 800, 200, 20_000, TimeUnit.MICROSECONDS);
            case "sleepy" -> new LongPauser(0, 50, 500, 20_000, TimeUnit.MICROSECONDS);
            default -> throw new IllegalArgumentException("unknown idle strategy '" + name + "': must be one of "
                    + NAMES);
        };
    }

    /** What {@code name} really runs, e.g. "busy (BusyPauser, spins on one core)". */
    public static String describe(String name, Pauser pauser) {
        String how = switch (name) {
            case "busy" -> "spins, keeps one core busy";
            case "yielding" -> "spins twice, then Thread.yield()";
            case "balanced" -> "yields, then sleeps 200us..20ms";
            default -> "yields, then sleeps 500us..20ms";
        };
        return name + " (" + pauser.getClass().getSimpleName() + ": " + how + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs)";
    }
}
