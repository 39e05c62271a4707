package io.taskq.cli;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a picocli option whose value overrides a configuration key ({@link io.taskq.common.config.Keys}), so that
 * each such option is named once: {@link Launch#config} builds the overrides from the options given on the command
 * line, and a bad value is reported under the option's name ({@code --data-dir=...: ...}). The annotated field holds
 * the option's text as given; the configuration parses and validates it. Its help shows the key's built-in default
 * ({@link KeyDefaults}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ConfigOverride {
    /** The configuration key the option overrides, e.g. {@code producer.rate}. */
    String value();
}
