package io.taskq.cli;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirectory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the configuration file and loads the configuration for a command. The file is {@code --config FILE}, else
 * {@code TASKQ_CONFIG}, else {@code config/taskq.yaml} under {@code TASKQ_HOME} (set by {@code bin/taskq}) if it
 * exists; {@code TASKQ_*} variables override the file, and the options a command line gives override both. A bad
 * value is a {@link io.taskq.common.TaskQException} (exit code 2) naming its source: the option, the variable or the
 * file and key.
 */
public final class Launch {
    private Launch() {
    }

    /**
     * The configuration of a picocli command after parsing: {@code --config} picks the file, and every option marked
     * {@link ConfigOverride} that the command line gave overrides its key.
     */
    static TaskQConfig config(CommandSpec spec) {
        OptionSpec configOption = spec.findOption("--config");
        Path file = configOption == null ? null : configOption.getValue();
        return load(file, overrides(spec));
    }

    /** Config key name to {@code {value, option name}} for each {@link ConfigOverride} option given. */
    static Map<String, String[]> overrides(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, String[]> overrides = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            ConfigKey<?> key = KeyDefaults.key(option);
            if (key != null && parsed.hasMatchedOption(option))
                overrides.put(key.name(), new String[]{option.getValue(), option.longestName()});
        }
        return overrides;
    }

    /**
     * The configuration for a command line that is not one of {@code taskq}'s own (the bench harness's): the file
     * {@code explicitFile} if not null, else the usual search; {@code overrides} maps a key name to
     * {@code {value, option name}}.
     */
    public static TaskQConfig load(Path explicitFile, Map<String, String[]> overrides) {
        Map<String, String> env = System.getenv();
        Path file = explicitFile;
        if (file == null && env.get("TASKQ_CONFIG") != null)
            file = Path.of(env.get("TASKQ_CONFIG"));
        else if (file == null && env.get("TASKQ_HOME") != null) {
            Path candidate = Path.of(env.get("TASKQ_HOME"), "config", "taskq.yaml");
            if (Files.exists(candidate))
                file = candidate;
        }
        return TaskQConfig.load(file, env, overrides);
    }

    /**
     * Opens the configured data directory, which must exist, with every check a command makes before it reads
     * ({@code data-dir}, {@code queue.roll-cycle} and the permissions of {@code config}).
     */
    static DataDirectory openExisting(TaskQConfig config) {
        return openExisting(config, config.get(Keys.DATA_DIR));
    }

    /** {@link #openExisting(TaskQConfig)} for the data directory {@code dir} instead of the configured one. */
    static DataDirectory openExisting(TaskQConfig config, Path dir) {
        return DataDirectory.openExisting(dir, config.get(Keys.ROLL_CYCLE), config.dataDirAccess());
    }
}
