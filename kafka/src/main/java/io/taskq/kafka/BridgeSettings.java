package io.taskq.kafka;

import io.taskq.common.TaskQException;
import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.producer.ProducerSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a bridge needs: how to reach Kafka ({@link KafkaSettings}), the data directory it puts into
 * ({@link ProducerSettings}) and the {@code bridge.*} keys. Immutable; built by {@link #from(TaskQConfig)}.
 *
 * @param kafka              the brokers, topics and group
 * @param producer           the host's data directory and its producer settings
 * @param hostId             {@code bridge.host-id}; empty for the id kept in the data directory
 * @param commitInterval     {@code bridge.commit-interval}
 * @param maxBacklog         {@code bridge.max-backlog}
 * @param compactOrigins     {@code bridge.compact-origins}
 * @param transactionTimeout {@code bridge.transaction-timeout}
 */
public record BridgeSettings(KafkaSettings kafka, ProducerSettings producer, String hostId, Duration commitInterval,
                             int maxBacklog, int compactOrigins, Duration transactionTimeout) {
    /** The keys a bridge reads, for its start-up line. */
    public static final List<ConfigKey<?>> KEYS = keys();

    private static List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys = new ArrayList<>(KafkaSettings.KEYS);
        keys.addAll(List.of(Keys.BRIDGE_HOST_ID, Keys.BRIDGE_COMMIT_INTERVAL, Keys.BRIDGE_MAX_BACKLOG,
                Keys.BRIDGE_COMPACT_ORIGINS, Keys.BRIDGE_TRANSACTION_TIMEOUT, Keys.RESULTS));
        keys.addAll(ProducerSettings.KEYS);
        return List.copyOf(keys);
    }

    /**
     * The settings of a loaded configuration.
     *
     * @throws TaskQException (exit code 2) if a {@code kafka.client.*} property is refused, or if the consumers of
     *                        the data directory record no outcomes ({@code consumer.results=off}), which the bridge
     *                        publishes
     */
    public static BridgeSettings from(TaskQConfig config) {
        if ("off".equals(config.get(Keys.RESULTS)))
            throw TaskQException.usage(Keys.RESULTS.name() + "=off (" + config.source(Keys.RESULTS) + "): the bridge "
                    + "publishes each task's outcome from the results log, so its host's consumers need "
                    + Keys.RESULTS.name() + "=on");
        return new BridgeSettings(KafkaSettings.from(config), ProducerSettings.from(config),
                config.get(Keys.BRIDGE_HOST_ID), config.get(Keys.BRIDGE_COMMIT_INTERVAL),
                config.get(Keys.BRIDGE_MAX_BACKLOG), config.get(Keys.BRIDGE_COMPACT_ORIGINS),
                config.get(Keys.BRIDGE_TRANSACTION_TIMEOUT));
    }
}
