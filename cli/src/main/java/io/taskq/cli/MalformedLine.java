package io.taskq.cli;

/**
 * A line of {@code taskq produce --input} that is not a task: the message names the input ({@code stdin} or
 * {@code input FILE}), the line number and what is wrong, and {@link ProduceCommand} turns it into its one-line error
 * with exit code 2. The tasks before the line were submitted.
 */
final class MalformedLine extends IllegalArgumentException {
    MalformedLine(String message) {
        super(message);
    }
}
