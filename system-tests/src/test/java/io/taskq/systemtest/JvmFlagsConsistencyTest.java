package io.taskq.systemtest;

import io.taskq.cli.JvmLauncher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three places that list the JVM flags every TaskQ JVM gets agree: the parent pom's {@code taskq.jvm.flags}
 * (surefire's argLine), {@link JvmLauncher#FLAGS} (JVMs that Java code starts) and {@code bin/taskq}'s
 * {@code JVM_FLAGS} (JVMs users start). Chronicle analytics is off in all three and not on the runtime classpath. The
 * JVMs run the serial collector unless the user's options choose another.
 */
class JvmFlagsConsistencyTest {
    private static final String ANALYTICS_OFF = "-Dchronicle.analytics.disable=true";

    @Test
    @Timeout(30)
    void shouldListTheSameJvmFlagsInThePomTheLauncherClassAndBinTaskq() throws Exception {
        List<String> pom = pomFlags(Taskq.PROJECT_ROOT.resolve("pom.xml"));
        List<String> script = scriptFlags(Taskq.LAUNCHER);

        assertEquals(pom, JvmLauncher.FLAGS, "JvmLauncher.FLAGS against the pom's taskq.jvm.flags");
        assertEquals(pom, script, "bin/taskq's JVM_FLAGS against the pom's taskq.jvm.flags");
        for (List<String> flags : List.of(pom, JvmLauncher.FLAGS, script))
            assertTrue(flags.contains(ANALYTICS_OFF), () -> "turns Chronicle analytics off: " + flags);
    }

    @Test
    @Timeout(30)
    void shouldAllowNativeAccessAndUnsafeMemoryOnTheSameNewerJdksInBinTaskqAndTheLauncherClass() throws Exception {
        String script = Files.readString(Taskq.LAUNCHER);
        assertTrue(script.contains("if [ \"$major\" -ge " + JvmLauncher.NATIVE_ACCESS_SINCE + " ]; then JVM_FLAGS+=("
                + String.join(" ", JvmLauncher.NATIVE_ACCESS_FLAGS) + "); fi"), "bin/taskq: native access");
        assertTrue(script.contains("if [ \"$major\" -ge " + JvmLauncher.UNSAFE_MEMORY_SINCE + " ]; then JVM_FLAGS+=("
                + String.join(" ", JvmLauncher.UNSAFE_MEMORY_FLAGS) + "); fi"), "bin/taskq: unsafe memory access");
        assertEquals(JvmLauncher.FLAGS, JvmLauncher.flagsFor(17), "JDK 17 refuses the newer flags");
        assertTrue(JvmLauncher.flagsFor(25).containsAll(JvmLauncher.NATIVE_ACCESS_FLAGS));
        assertTrue(JvmLauncher.flagsFor(25).containsAll(JvmLauncher.UNSAFE_MEMORY_FLAGS));
        assertFalse(JvmLauncher.flagsFor(22).containsAll(JvmLauncher.UNSAFE_MEMORY_FLAGS));
    }

    @Test
    @Timeout(120)
    void shouldRunTheSerialCollectorUnlessTheUsersOptionsChooseOne(@TempDir Path tmp) throws Exception {
        try (Taskq taskq = new Taskq(tmp)) {
            TaskqProcess serial = taskq.run("serial", Map.of("TASKQ_JAVA_OPTS", "-Xmx256m -Xlog:gc:stdout"),
                    "--version");
            assertEquals(0, serial.exitCode(), serial::describe);
            assertTrue(serial.stdout().contains("Using Serial"), serial::describe);

            TaskqProcess parallel = taskq.run("parallel", Map.of("TASKQ_JAVA_OPTS",
                    "-Xmx256m -XX:+UseParallelGC -Xlog:gc:stdout"), "--version");
            assertEquals(0, parallel.exitCode(), () -> "a JVM refuses two collectors, so bin/taskq must leave its own "
                    + "out\n" + parallel.describe());
            assertTrue(parallel.stdout().contains("Using Parallel"), parallel::describe);
        }
        assertTrue(Files.readString(Taskq.LAUNCHER).contains("collector=" + JvmLauncher.COLLECTOR_FLAG),
                "bin/taskq and JvmLauncher name the same collector");
    }

    @Test
    @Timeout(30)
    void shouldNotShipChronicleAnalyticsOnTheLauncherClasspath() throws IOException {
        Path lib = Taskq.PROJECT_ROOT.resolve("cli").resolve("target").resolve("lib");
        assertTrue(Files.isDirectory(lib), () -> lib + " exists (the cli module's package phase makes it)");
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
        assertFalse(jars.isEmpty(), () -> lib + " holds the runtime jars");
        assertTrue(jars.stream().noneMatch(n -> n.contains("chronicle-analytics")),
                () -> "no chronicle-analytics jar in " + jars);
    }

    private static List<String> pomFlags(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        NodeList properties = doc.getDocumentElement().getElementsByTagNameNS("*", "properties");
        for (int i = 0; i < properties.getLength(); i++) {
            Element element = (Element) properties.item(i);
            if (element.getParentNode() != doc.getDocumentElement())
                continue;
            NodeList flags = element.getElementsByTagNameNS("*", "taskq.jvm.flags");
            if (flags.getLength() == 1)
                return Arrays.asList(flags.item(0).getTextContent().strip().split("\\s+"));
        }
        throw new AssertionError(pom + " has no <taskq.jvm.flags> in its <properties>");
    }

    /** The words of the {@code JVM_FLAGS=( ... )} array literal, without comments. */
    private static List<String> scriptFlags(Path script) throws IOException {
        List<String> lines = Files.readAllLines(script);
        int start = -1;
        for (int i = 0; i < lines.size(); i++)
            if (lines.get(i).strip().equals("JVM_FLAGS=(")) {
                assertEquals(-1, start, () -> script + " has one JVM_FLAGS=( array literal");
                start = i;
            }
        assertTrue(start >= 0, () -> script + " has a line 'JVM_FLAGS=('");
        List<String> flags = new ArrayList<>();
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String code = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (code.equals(")"))
                return flags;
            if (!code.isEmpty())
                flags.addAll(Arrays.asList(code.split("\\s+")));
        }
        throw new AssertionError(script + ": JVM_FLAGS=( is not closed by a line ')'");
    }
}
