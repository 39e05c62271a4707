package io.taskq.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help}: the mixin of every subcommand. */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;
}
