package io.taskq.cli;

import picocli.CommandLine.Option;

/** {@code --data-dir DIR}, overriding {@code data-dir}: a mixin of every command that works on one data directory. */
final class DataDirOption {
    @ConfigOverride("data-dir")
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "the data directory (config data-dir, default ${DEFAULT-VALUE})")
    private String dataDir;
}
