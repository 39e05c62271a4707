package io.taskq.bench.jmh;

import io.taskq.cli.JvmLauncher;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the microbenchmarks of this package with JMH's usual command-line options ({@code -prof gc}, {@code -f},
 * {@code -wi}, a benchmark regex, ...). Every forked JVM gets TaskQ's JVM flags ({@link JvmLauncher#FLAGS}: Chronicle
 * analytics off and the Java 17 module flags) and the collector they run ({@link JvmLauncher#COLLECTOR_FLAG}, unless
 * {@code -jvmArgs} choose one), which {@code org.openjdk.jmh.Main} would not pass on. Without a
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
        List<String> jvm = new ArrayList<>(JvmLauncher.flags());
        List<String> given = new ArrayList<>();
        for (var chosen : List.of(cli.getJvmArgs(), cli.getJvmArgsPrepend(), cli.getJvmArgsAppend()))
            if (chosen.hasValue())
                given.addAll(chosen.get());
        jvm.addAll(JvmLauncher.collectorFlags(given)); // the collector TaskQ's own JVMs run, unless -jvmArgs chose one
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .jvmArgsPrepend(jvm.toArray(String[]::new));
        if (cli.getIncludes().isEmpty())
            options.include(Microbenchmarks.class.getPackageName() + "\\..*");
        List<?> results = List.copyOf(new Runner(options.build()).run());
        if (results.isEmpty())
            throw new IllegalStateException("no benchmark ran (check the regex: " + cli.getIncludes() + ")");
    }
}
