package io.taskq.cli;

import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the configuration file and loads the configuration for a subcommand. The file is {@code --config FILE}, else
 * {@code TASKQ_CONFIG}, else {@code config/taskq.yaml} under {@code TASKQ_HOME} (set by {@code bin/taskq}) if it
 * exists. Flags named in {@code flagKeys} override the matching configuration keys.
 */
public final class Launch {
    private Launch() {
    }

    public static TaskQConfig config(Options options, Map<String, String> flagKeys) {
        Map<String, String> env = System.getenv();
        Path file = null;
        if (options.has("config"))
            file = Path.of(options.get("config"));
        else if (env.get("TASKQ_CONFIG") != null)
            file = Path.of(env.get("TASKQ_CONFIG"));
        else if (env.get("TASKQ_HOME") != null) {
            Path candidate = Path.of(env.get("TASKQ_HOME"), "config", "taskq.yaml");
            if (Files.exists(candidate))
                file = candidate;
        }
        Map<String, String[]> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : flagKeys.entrySet())
            if (options.has(e.getKey()))
                overrides.put(e.getValue(), new String[]{options.get(e.getKey()), "--" + e.getKey()});
        return TaskQConfig.load(file, env, overrides);
    }

    /** The usual override: {@code --data-dir} sets {@code data-dir}. */
    public static Map<String, String> dataDirFlag() {
        return Map.of("data-dir", Keys.DATA_DIR.name());
    }
}
