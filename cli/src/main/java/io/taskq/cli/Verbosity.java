package io.taskq.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v, --verbose}: the mixin of the one-shot commands (produce, status, join, tail, doctor, metrics). Without
 * it their console shows only warnings and errors besides their own output (see {@link QuietConsole}); with it, also
 * the INFO lines (effective settings, directories created) that the long-running commands always log.
 */
final class Verbosity {
    @Option(names = {"-v", "--verbose"},
            description = "also log INFO lines (effective settings, files created) on stderr")
    private boolean verbose;

    boolean verbose() {
        return verbose;
    }
}
