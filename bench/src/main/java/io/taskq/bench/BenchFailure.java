package io.taskq.bench;

/** A benchmark run that failed or did not verify: it does not count, and the command exits 1 with this message. */
final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
        super(message);
    }
}
