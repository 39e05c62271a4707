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

    /** The main class of every TaskQ subcommand. */
    public static final String MAIN_CLASS = "io.taskq.cli.Main";

    private JvmLauncher() {
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
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(FLAGS);
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null)
            cmd.add("-Dlogback.configurationFile=" + logback);
        String home = System.getProperty("taskq.home");
        if (home != null)
            cmd.add("-Dtaskq.home=" + home);
        // The user's own JVM options, as bin/taskq gives them to the parent.
        String userOptions = System.getenv("TASKQ_JAVA_OPTS");
        if (userOptions != null && !userOptions.isBlank())
            cmd.addAll(List.of(userOptions.trim().split("\\s+")));
        cmd.add("-Dtaskq.role=" + role);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
