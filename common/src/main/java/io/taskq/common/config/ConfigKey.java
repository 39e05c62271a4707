package io.taskq.common.config;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key: its dotted name, its default, its meaning, how its text is parsed and which values it allows.
 * <p>
 * The default is a typed constant, the one place it is written down: {@link TaskQConfig} starts from it, the settings
 * builders ({@code ProducerSettings.builder}, {@code ConsumerSettings.builder}) start from it, and
 * {@link #defaultText()} is what {@code config/taskq.yaml} and docs/CONFIGURATION.md show. A value is allowed by one
 * rule, whether it comes from the configuration ({@code parse}) or from code ({@link #check}); a violation names
 * what is allowed ("must be 1..65536"). Immutable and thread-safe.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {
    private final String name;
    private final T defaultValue;
    private final String meaning;
    private final Function<String, T> parser;
    private final Predicate<T> allowed;
    private final String whatIsAllowed;
    private final Function<T, String> formatter;

    /**
     * @param parser        the text's syntax; throws {@link IllegalArgumentException} saying what is allowed when the
     *                      text is not a value of the type at all
     * @param allowed       the rule a parsed or given value must pass (never called with null)
     * @param whatIsAllowed the message when it does not, e.g. "must be 1..65536"
     * @param formatter     a value as configuration text; the inverse of {@code parser}
     */
    ConfigKey(String name, T defaultValue, String meaning, Function<String, T> parser, Predicate<T> allowed,
              String whatIsAllowed, Function<T, String> formatter) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
        this.parser = parser;
        this.allowed = allowed;
        this.whatIsAllowed = whatIsAllowed;
        this.formatter = formatter;
        check(defaultValue);
    }

    public String name() {
        return name;
    }

    /** The built-in default, as a value. */
    public T defaultValue() {
        return defaultValue;
    }

    /** The built-in default as configuration text, e.g. {@code 10s} or {@code all}. */
    public String defaultText() {
        return format(defaultValue);
    }

    public String meaning() {
        return meaning;
    }

    /** The environment variable that sets this key: {@code TASKQ_} plus the name in upper case, dots and dashes as
     * underscores. */
    public String envName() {
        return "TASKQ_" + name.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** {@code value} as configuration text, e.g. a duration as {@code 500ms}. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /**
     * Checks a value given in code, by the same rule as a configured one.
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming the key, the value and what is allowed, e.g.
     *                                  {@code consumer.batch-size=0: must be 1..65536}
     */
    public T check(T value) {
        if (value == null || !allowed.test(value))
            throw new IllegalArgumentException(name + "=" + (value == null ? "null" : format(value)) + ": "
                    + whatIsAllowed);
        return value;
    }

    /** Parses and checks configuration text; the message of the {@link IllegalArgumentException} says what is
     * allowed, the caller adds where the text came from. */
    T parse(String text) {
        T value = parser.apply(text);
        if (!allowed.test(value))
            throw new IllegalArgumentException(whatIsAllowed);
        return value;
    }

    @Override
    public String toString() {
        return name;
    }
}
