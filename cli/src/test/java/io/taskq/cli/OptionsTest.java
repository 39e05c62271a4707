package io.taskq.cli;

import io.taskq.common.TaskQException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {
    private static Options parse(String... args) {
        return Options.parse("taskq test", args, Set.of("count", "data-dir", "timeout"), Set.of("seal"), false);
    }

    @Test
    void shouldParseValuesFlagsAndEqualsForms() {
        Options o = parse("--count", "5", "--data-dir=/tmp/x", "--seal");
        assertEquals(5, o.longValue("count", 0, 10, -1));
        assertEquals("/tmp/x", o.get("data-dir"));
        assertTrue(o.flag("seal"));
    }

    @Test
    void shouldNameTheCulprit() {
        assertEquals("taskq test: unknown option --cuont (see taskq test --help)",
                assertThrows(TaskQException.class, () -> parse("--cuont", "5")).getMessage());
        assertEquals("taskq test: --count=-5: must be 0..10",
                assertThrows(TaskQException.class, () -> parse("--count", "-5").longValue("count", 0, 10, 0)).getMessage());
        assertEquals("taskq test: option --count needs a value",
                assertThrows(TaskQException.class, () -> parse("--count")).getMessage());
        assertEquals("taskq test: option --count given twice",
                assertThrows(TaskQException.class, () -> parse("--count", "1", "--count", "2")).getMessage());
    }

    @Test
    void shouldParseDurationsAndNameABadOne() {
        assertEquals(Duration.ofSeconds(30), parse("--timeout", "30s").durationValue("timeout", Duration.ZERO));
        assertEquals(Duration.ofMinutes(2), parse().durationValue("timeout", Duration.ofMinutes(2)));
        assertEquals("taskq test: --timeout=soon: must be a duration such as 500ms, 10s, 2m or 1h",
                assertThrows(TaskQException.class, () -> parse("--timeout", "soon").durationValue("timeout", Duration.ZERO))
                        .getMessage());
    }
}
