package io.taskq.bench.jmh;

import io.taskq.cli.JvmLauncher;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.List;

/**
 * Runs the microbenchmarks of this package with JMH's usual command-line options ({@code -prof gc}, {@code -f},
 * {@code -wi}, a benchmark regex, ...). Every forked JVM gets TaskQ's JVM flags ({@link JvmLauncher#FLAGS}: Chronicle
 * analytics off and the Java 17 module flags), which {@code org.openjdk.jmh.Main} would not pass on. Without a
 * regex it runs every benchmark in this package.
 */
public final class Microbenchmarks {
    private Microbenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp()) {
            cli.showHelp();
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .jvmArgsPrepend(JvmLauncher.flags().toArray(String[]::new));
        if (cli.getIncludes().isEmpty())
            options.include(Microbenchmarks.class.getPackageName() + "\\..*");
        List<?> results = List.copyOf(new Runner(options.build()).run());
        if (results.isEmpty())
            throw new IllegalStateException("no benchmark ran (check the regex: " + cli.getIncludes() + ")");
    }
}
