package io.taskq.common.config;

import io.taskq.common.TaskQException;
import io.taskq.common.store.DataDirAccess;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The effective configuration of one process. Precedence, highest first: command-line flags, {@code TASKQ_*}
 * environment variables, the YAML file, built-in defaults. Every value is parsed and validated when loaded; a bad
 * value or an unknown key is a {@link TaskQException} (exit code 2) naming the source, the key, the value and what
 * is allowed. Immutable and thread-safe.
 */
public final class TaskQConfig {
    /** Environment variables the launcher itself reads; they are not configuration keys. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("TASKQ_HOME", "TASKQ_CONFIG", "TASKQ_CLASSPATH",
            "TASKQ_JAVA", "TASKQ_JAVA_OPTS");

    private final Map<ConfigKey<?>, Object> values;
    private final Map<ConfigKey<?>, String> sources;
    /** Kafka client properties from {@code kafka.client.*} in the file, without the prefix; checked by their user. */
    private final Map<String, String> kafkaClient;
    private final String kafkaClientSource;

    private TaskQConfig(Map<ConfigKey<?>, Object> values, Map<ConfigKey<?>, String> sources,
                        Map<String, String> kafkaClient, String kafkaClientSource) {
        this.values = values;
        this.sources = sources;
        this.kafkaClient = kafkaClient;
        this.kafkaClientSource = kafkaClientSource;
    }

    /** The built-in defaults only. */
    public static TaskQConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * @param file      the YAML file, or null for none
     * @param env       the environment (only {@code TASKQ_*} entries are looked at)
     * @param overrides key to value, from command-line flags; the map's key is the config key name and the
     *                  value is {@code {value, flag}}
     */
    public static TaskQConfig load(Path file, Map<String, String> env, Map<String, String[]> overrides) {
        Map<ConfigKey<?>, String> raw = new LinkedHashMap<>();
        Map<ConfigKey<?>, String> sources = new LinkedHashMap<>();
        for (ConfigKey<?> key : Keys.ALL)
            sources.put(key, "default");
        Map<String, String> kafkaClient = new TreeMap<>();
        if (file != null)
            readFile(file, raw, sources, kafkaClient);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith("TASKQ_") || LAUNCHER_VARIABLES.contains(var))
                continue;
            ConfigKey<?> key = Keys.ALL.stream().filter(k -> k.envName().equals(var)).findFirst()
                    .orElseThrow(() -> TaskQException.usage("environment variable " + var
                            + ": not a TaskQ setting (known: " + knownEnvNames() + ")"));
            raw.put(key, e.getValue());
            sources.put(key, "environment variable " + var);
        }
        for (Map.Entry<String, String[]> e : overrides.entrySet()) {
            ConfigKey<?> key = Keys.byName(e.getKey());
            if (key == null)
                throw new IllegalArgumentException("no config key " + e.getKey());
            raw.put(key, e.getValue()[0]);
            sources.put(key, e.getValue()[1]);
        }
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> key : Keys.ALL) {
            String text = raw.get(key);
            if (text == null) {
                values.put(key, key.defaultValue());
                continue;
            }
            try {
                values.put(key, key.parse(text));
            } catch (IllegalArgumentException ex) {
                throw TaskQException.usage(describeSource(key, sources.get(key), text) + ": " + ex.getMessage());
            }
        }
        TaskQConfig config = new TaskQConfig(values, sources, Collections.unmodifiableMap(kafkaClient),
                file == null ? "default" : file.toString());
        config.crossCheck();
        return config;
    }

    private void crossCheck() {
        String lease = Keys.leaseViolation(get(Keys.LEASE), get(Keys.HEARTBEAT));
        if (lease != null)
            throw TaskQException.usage(describeSource(Keys.LEASE, sources.get(Keys.LEASE), Keys.format(get(Keys.LEASE)))
                    + ": " + lease);
        if (get(Keys.DEMO_CONSUMERS) > get(Keys.SLOTS_MAX))
            throw TaskQException.usage(describeSource(Keys.DEMO_CONSUMERS, sources.get(Keys.DEMO_CONSUMERS),
                    String.valueOf(get(Keys.DEMO_CONSUMERS))) + ": must be at most slots.max (" + get(Keys.SLOTS_MAX)
                    + ")");
    }

    private static String describeSource(ConfigKey<?> key, String source, String value) {
        if (source.startsWith("--"))
            return source + "=" + value;
        if (source.startsWith("environment variable "))
            return source.substring("environment variable ".length()) + "=" + value;
        return key.name() + "=" + value + " in " + source;
    }

    private static void readFile(Path file, Map<ConfigKey<?>, String> raw, Map<ConfigKey<?>, String> sources,
                                 Map<String, String> kafkaClient) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw TaskQException.usage("config file " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw TaskQException.usage("config file " + file + ": not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        if (doc == null)
            return;
        if (!(doc instanceof Map))
            throw TaskQException.usage("config file " + file + ": must be a mapping of keys to values");
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", (Map<?, ?>) doc, flat, file);
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            ConfigKey<?> key = Keys.byName(e.getKey());
            if (key == null && e.getKey().startsWith(Keys.KAFKA_CLIENT_PREFIX)
                    && e.getKey().length() > Keys.KAFKA_CLIENT_PREFIX.length()) {
                if (e.getValue() == null)
                    throw TaskQException.usage(e.getKey() + " in " + file + ": has no value (a Kafka client property "
                            + "needs one; remove the line for Kafka's default)");
                kafkaClient.put(e.getKey().substring(Keys.KAFKA_CLIENT_PREFIX.length()), String.valueOf(e.getValue()));
                continue;
            }
            if (key == null)
                throw TaskQException.usage("config file " + file + ": unknown key '" + e.getKey() + "' (known: "
                        + knownNames() + ", and " + Keys.KAFKA_CLIENT_PREFIX + "* for Kafka client properties)");
            if (e.getValue() == null)
                throw TaskQException.usage(key.name() + " in " + file
                        + ": has no value (allowed: remove the line for the default " + key.defaultText() + ")");
            raw.put(key, String.valueOf(e.getValue()));
            sources.put(key, file.toString());
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> nested)
                flatten(name + ".", nested, out, file);
            else if (e.getValue() instanceof List)
                throw TaskQException.usage("config file " + file + ": key '" + name
                        + "' is a list; TaskQ keys take single values");
            else
                out.put(name, e.getValue());
        }
    }

    private static String knownNames() {
        Set<String> names = new TreeSet<>();
        Keys.ALL.forEach(k -> names.add(k.name()));
        return String.join(", ", names);
    }

    private static String knownEnvNames() {
        Set<String> names = new TreeSet<>();
        Keys.ALL.forEach(k -> names.add(k.envName()));
        return String.join(", ", names);
    }

    /** The data directory's permissions and what a process accepts: {@code permissions.*}. */
    public DataDirAccess dataDirAccess() {
        return Keys.dataDirAccess(get(Keys.PERMISSIONS_MODE), get(Keys.ALLOW_OTHER_WRITABLE));
    }

    /**
     * The Kafka client properties the file gives as {@code kafka.client.<property>: value}, by property name without
     * the prefix, sorted. Only the Kafka commands and the bridge use them, and they check the names against Kafka's
     * own lists; empty when the file has none.
     */
    public Map<String, String> kafkaClientProperties() {
        return kafkaClient;
    }

    /** Where {@link #kafkaClientProperties()} came from: the configuration file, or "default" without one. */
    public String kafkaClientSource() {
        return kafkaClientSource;
    }

    /** The effective value of {@code key}. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    /** Where the effective value of {@code key} came from: "default", a file, an environment variable or a flag. */
    public String source(ConfigKey<?> key) {
        return sources.get(key);
    }

    /** "key=value (source)" for the given keys, for the one start-up line every process logs. */
    public String describe(List<ConfigKey<?>> keys) {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey<?> key : keys) {
            if (sb.length() > 0)
                sb.append(", ");
            Object v = values.get(key);
            sb.append(key.name()).append('=').append(v instanceof Duration d ? Keys.format(d) : v);
            String source = sources.get(key);
            if (source.startsWith("--"))
                sb.append(" (").append(source).append(')');
            else if (source.startsWith("environment variable "))
                sb.append(" (").append(source.substring("environment variable ".length())).append(')');
            else if (!"default".equals(source))
                sb.append(" (file)");
        }
        return sb.toString();
    }
}
