package io.taskq.cli;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

import java.lang.reflect.AnnotatedElement;

/**
 * The default of an option marked {@link ConfigOverride}: its key's built-in default, which the generated help
 * shows as {@code ${DEFAULT-VALUE}}. The value in force may come from the configuration file or a {@code TASKQ_*}
 * variable instead; {@link Launch#config} only overrides a key with an option the user gave.
 */
final class KeyDefaults implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec argSpec) {
        ConfigKey<?> key = key(argSpec);
        return key == null ? null : key.defaultText();
    }

    /**
     * The configuration key an option overrides, or null if it overrides none.
     *
     * @throws IllegalStateException if the option names a key that does not exist (a programming error)
     */
    static ConfigKey<?> key(ArgSpec argSpec) {
        if (!(argSpec.userObject() instanceof AnnotatedElement element))
            return null;
        ConfigOverride override = element.getAnnotation(ConfigOverride.class);
        if (override == null)
            return null;
        ConfigKey<?> key = Keys.byName(override.value());
        if (key == null)
            throw new IllegalStateException(argSpec + " overrides '" + override.value() + "', which is no config key");
        return key;
    }
}
