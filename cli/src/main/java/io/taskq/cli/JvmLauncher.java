package io.taskq.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a TaskQ subcommand in a separate JVM with the same Java, classpath and flags as {@code bin/taskq} uses:
 * Chronicle analytics off, the Java 17 module flags Chronicle needs, and the logging configuration.
 * {@code bin/taskq} and the build's surefire {@code argLine} carry the same flag list (a test keeps them in step).
 */
public final class JvmLauncher {
    /** Every JVM TaskQ starts gets these. */
    public static final List<String> FLAGS = List.of(
            "-Dchronicle.analytics.disable=true",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED");

    /**
     * What newer JDKs warn about, and TaskQ's libraries need: native access (JNI libraries loaded by Chronicle's
     * helpers) from JDK 22, and {@code sun.misc.Unsafe}'s memory methods from JDK 23 (JEP 471 and 498). Passed only to
     * JDKs that know them: JDK 17 refuses an unknown option. {@code bin/taskq} adds the same for the same versions.
     */
    public static final List<String> NATIVE_ACCESS_FLAGS = List.of("--enable-native-access=ALL-UNNAMED");
    public static final List<String> UNSAFE_MEMORY_FLAGS = List.of("--sun-misc-unsafe-memory-access=allow");
    /** The first JDK feature releases that take {@link #NATIVE_ACCESS_FLAGS} and {@link #UNSAFE_MEMORY_FLAGS}. */
    public static final int NATIVE_ACCESS_SINCE = 22;
    public static final int UNSAFE_MEMORY_SINCE = 23;

    /**
     * The garbage collector TaskQ's JVMs run, unless the user's options ({@code TASKQ_JAVA_OPTS}) select one (a JVM
     * refuses two). TaskQ's processes allocate almost nothing once running (0 B per put, per batch put and per handled
     * task), so they seldom collect; the serial collector's cheaper write barriers give the JIT less code to compile
     * and run, and it starts no collector threads to compete for the cores. On 2 cores a 20,000,000-task W1 run took
     * about 7% less CPU, most of it compilation, and ran about 8% faster (docs/BENCHMARKS.md, "The garbage
     * collector"). {@code bin/taskq} does the same.
     */
    public static final String COLLECTOR_FLAG = "-XX:+UseSerialGC";

    /** The main class of every TaskQ subcommand. */
    public static final String MAIN_CLASS = "io.taskq.cli.Main";

    private JvmLauncher() {
    }

    /** {@link #FLAGS}, and the flags for a JDK of feature release {@code feature} that it needs to run quietly. */
    public static List<String> flagsFor(int feature) {
        List<String> flags = new ArrayList<>(FLAGS);
        if (feature >= NATIVE_ACCESS_SINCE)
            flags.addAll(NATIVE_ACCESS_FLAGS);
        if (feature >= UNSAFE_MEMORY_SINCE)
            flags.addAll(UNSAFE_MEMORY_FLAGS);
        return flags;
    }

    /** {@link #flagsFor(int)} this JVM's own release, which the JVMs it starts share. */
    public static List<String> flags() {
        return flagsFor(Runtime.version().feature());
    }

    /** {@code TASKQ_JAVA_OPTS}'s options, split on whitespace; none when it is unset or blank. */
    static List<String> userOptions(String variable) {
        return variable == null || variable.isBlank() ? List.of() : List.of(variable.trim().split("\\s+"));
    }

    /** True if {@code options} select a garbage collector ({@code -XX:+UseG1GC}, {@code -XX:+UseZGC}, ...). */
    static boolean selectsCollector(List<String> options) {
        return options.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
    }

    /**
     * The collector flag to pass to a JVM that also gets the user's {@code options}: {@link #COLLECTOR_FLAG}, or none
     * when those options select a collector themselves.
     */
    public static List<String> collectorFlags(List<String> options) {
        return selectsCollector(options) ? List.of() : List.of(COLLECTOR_FLAG);
    }

    /**
     * The command line for {@code taskq <args>} in a new JVM. {@code role} names the process in its log lines.
     * Extra JVM options (heap size, say) go in {@code jvmOptions}.
     */
    public static List<String> command(String role, List<String> jvmOptions, List<String> args) {
        return command(role, jvmOptions, MAIN_CLASS, args);
    }

    /**
     * The command line for {@code mainClass <args>} in a new JVM with the same Java, classpath and flags, for
     * processes that are not a {@code taskq} subcommand (the benchmark harness's producer and baselines).
     */
    public static List<String> command(String role, List<String> jvmOptions, String mainClass, List<String> args) {
        return command(role, jvmOptions, mainClass, args, System.getenv("TASKQ_JAVA_OPTS"));
    }

    /** {@link #command(String, List, String, List)} with {@code userOptions} in place of {@code TASKQ_JAVA_OPTS}. */
    static List<String> command(String role, List<String> jvmOptions, String mainClass, List<String> args,
                                String userOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags());
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null)
            cmd.add("-Dlogback.configurationFile=" + logback);
        String home = System.getProperty("taskq.home");
        if (home != null)
            cmd.add("-Dtaskq.home=" + home);
        // The user's own JVM options, as bin/taskq gives them to the parent.
        List<String> user = userOptions(userOptions);
        cmd.addAll(collectorFlags(user));
        cmd.addAll(user);
        cmd.add("-Dtaskq.role=" + role);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
