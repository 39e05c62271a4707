package io.taskq.cli;

import io.taskq.common.TaskQException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code taskq kafka <command>}: the commands that talk to Kafka, besides {@code taskq bridge}. With {@code taskq
 * bridge} they are the only TaskQ commands that open network connections, and only to the configured brokers.
 */
@Command(name = "kafka", synopsisSubcommandLabel = "<command>",
        description = "hosts that share work through Kafka: put task records, read outcomes, run a development broker",
        subcommands = {KafkaProduceCommand.class, KafkaResultsCommand.class, KafkaBrokerCommand.class})
final class KafkaCommand implements Callable<Integer> {
    @Mixin
    private HelpOption help;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    /** {@code taskq kafka} alone: the usage, and exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(taskq.out());
        return TaskQException.EXIT_USAGE;
    }

    Main taskq() {
        return taskq;
    }
}
