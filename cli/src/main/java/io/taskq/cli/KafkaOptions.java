package io.taskq.cli;

import picocli.CommandLine.Option;

/** {@code --bootstrap HOST:PORT}, overriding {@code kafka.bootstrap}: a mixin of every command that talks to Kafka. */
final class KafkaOptions {
    @ConfigOverride("kafka.bootstrap")
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]",
            description = "the Kafka brokers (config kafka.bootstrap, default ${DEFAULT-VALUE})")
    private String bootstrap;
}
