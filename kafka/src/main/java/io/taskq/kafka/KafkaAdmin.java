package io.taskq.kafka;

import io.taskq.common.Await;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The brokers as the Kafka commands see them before they start: reachable within {@code kafka.timeout}, and the
 * topics they use created if missing. Every failure is a {@link TaskQException} with one line that names the
 * brokers and the key to look at, never a hang or a stack trace. Not thread-safe.
 */
public final class KafkaAdmin implements AutoCloseable {
    private final KafkaSettings settings;
    private final Admin admin;

    private KafkaAdmin(KafkaSettings settings, Admin admin) {
        this.settings = settings;
        this.admin = admin;
    }

    /**
     * Connects, and waits up to {@code kafka.timeout} for the cluster to answer.
     *
     * @throws TaskQException (exit code 1) if no broker answered in time
     */
    public static KafkaAdmin connect(KafkaSettings settings) {
        Admin admin;
        try {
            admin = Admin.create(settings.admin());
        } catch (KafkaException e) {
            throw unreachable(settings, e);
        }
        KafkaAdmin connected = new KafkaAdmin(settings, admin);
        try {
            admin.describeCluster().nodes().get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            connected.close();
            throw unreachable(settings, e);
        } catch (InterruptedException e) {
            connected.close();
            Thread.currentThread().interrupt();
            throw unreachable(settings, e);
        }
        return connected;
    }

    /** The one line for brokers that did not answer: where, how long, and why in a few words. */
    public static TaskQException unreachable(KafkaSettings settings, Throwable cause) {
        Throwable root = cause instanceof ExecutionException && cause.getCause() != null ? cause.getCause() : cause;
        String why = root instanceof TimeoutException || root instanceof org.apache.kafka.common.errors.TimeoutException
                ? "no answer" : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new TaskQException(TaskQException.EXIT_FAILED, "cannot reach the Kafka brokers at "
                + settings.bootstrap() + " within " + Keys.format(settings.timeout()) + " ("
                + why + "; check kafka.bootstrap or --bootstrap, and kafka.timeout)", cause);
    }

    /**
     * Creates {@code topic} with {@code kafka.partitions} and {@code kafka.replication-factor} unless it exists.
     *
     * @return its number of partitions
     */
    public int ensureTopic(String topic) {
        try {
            if (!admin.listTopics().names().get().contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, settings.partitions(), settings.replication())))
                            .all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException))
                        throw e;
                }
            }
            // A topic just created (here or by another host at the same moment) takes a moment to be described.
            TopicDescription[] described = new TopicDescription[1];
            boolean found = Await.backoff(Duration.ofMillis(20), Duration.ofMillis(500)).until(settings.timeout(),
                    () -> (described[0] = describe(topic)) != null);
            if (!found)
                throw new TaskQException(TaskQException.EXIT_FAILED, "the Kafka topic " + topic + " at "
                        + settings.bootstrap() + " was created but is still unknown after "
                        + Keys.format(settings.timeout()));
            return described[0].partitions().size();
        } catch (ExecutionException | KafkaException e) {
            Throwable root = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new TaskQException(TaskQException.EXIT_FAILED, "cannot create or describe the Kafka topic " + topic
                    + " at " + settings.bootstrap() + " (" + root.getClass().getSimpleName() + ": "
                    + root.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, e);
        }
    }

    /** The topic's description, or null while the brokers do not know it yet (or when interrupted). */
    private TopicDescription describe(String topic) throws ExecutionException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException)
                return null;
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
