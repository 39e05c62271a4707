package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVMs TaskQ starts run the serial collector unless the user's options choose another one. */
class JvmLauncherTest {
    private static List<String> command(String userOptions) {
        return JvmLauncher.command("probe", List.of("-Xmx64m"), JvmLauncher.MAIN_CLASS, List.of("--version"),
                userOptions);
    }

    @Test
    void shouldRunTheSerialCollectorBeforeTheUsersOptions() {
        for (String none : new String[] {null, "", "   "}) {
            List<String> cmd = command(none);
            assertEquals(1, cmd.stream().filter(JvmLauncher.COLLECTOR_FLAG::equals).count(), cmd::toString);
            assertTrue(cmd.containsAll(JvmLauncher.flags()), cmd::toString);
        }
        List<String> cmd = command(" -Xmx2g  -XX:+AlwaysPreTouch ");
        int collector = cmd.indexOf(JvmLauncher.COLLECTOR_FLAG);
        assertTrue(collector > 0 && collector < cmd.indexOf("-Xmx2g"), () -> "the user's options come after it, so "
                + "they can override it: " + cmd);
        assertTrue(cmd.indexOf("-Xmx2g") < cmd.indexOf("-XX:+AlwaysPreTouch"), cmd::toString);
    }

    @Test
    void shouldLeaveTheCollectorToTheUserWhenTheirOptionsChooseOne() {
        for (String gc : List.of("-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseZGC", "-XX:+UseSerialGC")) {
            List<String> cmd = command("-Xmx1g " + gc);
            assertEquals(1, cmd.stream().filter(o -> o.startsWith("-XX:+Use") && o.endsWith("GC")).count(),
                    () -> "a JVM refuses two collectors: " + cmd);
            assertTrue(cmd.contains(gc), cmd::toString);
        }
        assertFalse(JvmLauncher.selectsCollector(List.of("-XX:+UseCompressedOops", "-Xlog:gc", "-XX:-UseG1GC")));
        assertTrue(JvmLauncher.selectsCollector(List.of("-XX:+UseShenandoahGC")));
        assertEquals(List.of(), JvmLauncher.collectorFlags(List.of("-Xmx1g", "-XX:+UseZGC")));
        assertEquals(List.of(JvmLauncher.COLLECTOR_FLAG), JvmLauncher.collectorFlags(List.of("-Xmx1g")));
    }
}
