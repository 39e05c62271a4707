package io.taskq.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --config FILE}, a mixin of every command that loads the configuration (see {@link Launch}). */
final class ConfigFileOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: TASKQ_CONFIG, else config/taskq.yaml under TASKQ_HOME if "
                    + "present)")
    private Path file;

    /** The file given with {@code --config}, or null. */
    Path file() {
        return file;
    }
}
