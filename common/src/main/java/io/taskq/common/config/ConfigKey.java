package io.taskq.common.config;

import java.util.function.Function;

/**
 * One configuration key: its dotted name, default, meaning and parser. A parser throws
 * {@link IllegalArgumentException} whose message says what is allowed ("must be 1..65536").
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {
    private final String name;
    private final String defaultValue;
    private final String meaning;
    private final Function<String, T> parser;

    ConfigKey(String name, String defaultValue, String meaning, Function<String, T> parser) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
        this.parser = parser;
    }

    public String name() {
        return name;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    /** The environment variable that sets this key: {@code TASKQ_} plus the name in upper case, dots and dashes as underscores. */
    public String envName() {
        return "TASKQ_" + name.toUpperCase().replace('.', '_').replace('-', '_');
    }

    T parse(String value) {
        return parser.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
