package io.taskq.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration overrides come from the options declared with {@link ConfigOverride}, and from nothing else. */
class LaunchTest {
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    /** Parses {@code taskq args...} and returns the overrides of the subcommand, as "key=value from option". */
    private static Map<String, String> overrides(String... args) {
        CommandLine taskq = Main.commandLine(NOWHERE, NOWHERE);
        CommandLine.ParseResult parsed = taskq.parseArgs(args);
        Map<String, String[]> overrides = Launch.overrides(parsed.subcommand().commandSpec());
        Map<String, String> readable = new LinkedHashMap<>();
        overrides.forEach((key, v) -> readable.put(key, v[0] + " from " + v[1]));
        return readable;
    }

    @Test
    void shouldOverrideTheKeysOfTheOptionsGivenAndNoOthers() {
        assertEquals(Map.of("producer.rate", "500 from --rate", "data-dir", "/tmp/d from --data-dir"),
                overrides("produce", "--count", "5", "--rate", "500", "--data-dir", "/tmp/d"));
        assertEquals(Map.of(), overrides("produce", "--count", "5"));
        assertEquals(Map.of("consumer.handler", "slow from --handler", "consumer.idle", "busy from --idle",
                        "consumer.batch-size", "8 from --batch-size"),
                overrides("consume", "--index", "auto", "--handler", "slow", "--idle", "busy", "--batch-size", "8"));
    }

    @Test
    void shouldMapTheDemosDataDirToItsOwnKey() {
        assertEquals(Map.of("demo.data-dir", "var/x from --data-dir", "demo.count", "10 from --count",
                        "demo.consumers", "2 from --consumers"),
                overrides("demo", "--data-dir", "var/x", "--count", "10", "--consumers", "2"));
    }

    @Test
    void shouldNameAnExistingKeyInEveryOverridingOption() {
        // --data-dir in twelve commands (dead, dead retry, dead purge, results, metrics and bridge among them);
        // --rate and --batch; --handler, --idle, --batch-size; the demo's five; --bootstrap in bridge, kafka produce
        // and kafka results; --host-id, --topic, --results-topic.
        assertEquals(28, overridingOptions(Main.commandLine(NOWHERE, NOWHERE)));
    }

    /** The options marked {@link ConfigOverride} in {@code command}'s subcommands and theirs, each checked. */
    private static int overridingOptions(CommandLine command) {
        int overriding = 0;
        for (CommandLine sub : command.getSubcommands().values()) {
            for (OptionSpec option : sub.getCommandSpec().options())
                if (option.userObject() instanceof AnnotatedElement element
                        && element.isAnnotationPresent(ConfigOverride.class)) {
                    assertNotNull(KeyDefaults.key(option), option::toString);
                    assertTrue(option.type() == String.class, () -> option + " keeps the text; the config parses it");
                    overriding++;
                }
            overriding += overridingOptions(sub);
        }
        return overriding;
    }
}
