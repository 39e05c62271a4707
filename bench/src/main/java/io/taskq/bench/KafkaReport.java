package io.taskq.bench;

import io.taskq.bench.BenchReport.Host;
import io.taskq.bench.BenchReport.Ratio;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench kafka} prints: the TaskQ path through Kafka and its {@code kafka-loop} baseline, as the table or
 * as one JSON object ({@code --json}) with {@code kafka.tasksPerSec.median},
 * {@code baselines["kafka-loop"].tasksPerSec.median} and {@code ratios.kafkaOverKafkaLoop}. Immutable.
 *
 * @param workloads always {@code kafka}
 * @param machine   the machine and its load average at the start and at the end
 * @param seconds   the whole invocation, broker start included
 * @param kafka     the TaskQ path: Kafka, one host's bridge and consumers, the results topic
 * @param baselines {@code kafka-loop}
 * @param ratios    {@code kafkaOverKafkaLoop}: the medians' ratio, target at least {@link #TARGET}
 */
record KafkaReport(String workloads, int runs, boolean quick, String date, Host machine, long seconds,
                   KafkaEntry kafka, Map<String, KafkaEntry> baselines, Map<String, Ratio> ratios) {
    /** The target for the TaskQ path over the plain loop. */
    static final double TARGET = 0.8;
    static final String KAFKA_LOOP = "kafka-loop";
    static final String RATIO = "kafkaOverKafkaLoop";
    static final String TASKQ_CLOCK = "from the first task put on the host (the bridge's first poll with records) to "
            + "the harness's read_committed reader seeing N distinct outcomes";
    static final String LOOP_CLOCK = "from the loop's first poll with records to the harness's read_committed reader "
            + "seeing N distinct outcomes";

    /**
     * One path's figures.
     *
     * @param count         task records per run
     * @param partitions    partitions of the tasks and results topics
     * @param consumers     {@code taskq consume} processes (TaskQ path), or 0 for the loop
     * @param tasksPerSec   median, min, max and each run's figure
     * @param elapsedMillis each run's clock
     * @param clock         where the clock starts and stops
     */
    record KafkaEntry(long count, int partitions, int consumers, Stats tasksPerSec, List<Double> elapsedMillis,
                      String clock) {
        static KafkaEntry of(List<Workloads.Throughput> runs, int consumers, String clock) {
            return new KafkaEntry(runs.get(0).count(), KafkaBench.PARTITIONS, consumers,
                    Stats.of(runs.stream().map(Workloads.Throughput::tasksPerSec).toList()),
                    runs.stream().map(r -> r.elapsedNanos() / 1e6).toList(), clock);
        }
    }

    static KafkaReport of(int runs, boolean quick, String date, Host machine, long seconds, KafkaEntry kafka,
                          KafkaEntry loop) {
        double ratio = kafka.tasksPerSec().median() / loop.tasksPerSec().median();
        return new KafkaReport("kafka", runs, quick, date, machine, seconds, kafka, Map.of(KAFKA_LOOP, loop),
                Map.of(RATIO, Ratio.atLeast(ratio, TARGET, "TaskQ through Kafka / kafka-loop, tasks/s")));
    }

    String table() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "TaskQ bench kafka, %d run(s)%s, %s; %d CPUs (%s), %s%n", runs,
                quick ? " (quick: small counts)" : "", date, machine.cpus(), machine.cpuModel(), machine.jdk()));
        s.append(String.format(Locale.ROOT, "Load average (1 min) at start %s, at end %s: the machine is shared, so "
                + "other work competes for the 2 cores.%n", machine.loadAverageAtStart(), machine.loadAverageAtEnd()));
        s.append("One development broker on this machine. Every run verified: one outcome per key, none twice, each "
                + "the right value.\nFigures: median [min - max] over the runs.\n\n");
        s.append(String.format(Locale.ROOT, "%-66s %14s   %s%n", "Throughput through Kafka, tasks/s", "median",
                "[min - max]"));
        row(s, "TaskQ: bridge + " + kafka.consumers() + " consumers, " + kafka.partitions() + " partitions (n="
                + Report.grouped(kafka.count()) + ")", kafka.tasksPerSec());
        row(s, "kafka-loop: consume-transform-produce, 1 transaction per poll", baselines.get(KAFKA_LOOP)
                .tasksPerSec());
        Ratio r = ratios.get(RATIO);
        s.append(String.format(Locale.ROOT, "%nRatio TaskQ / kafka-loop: %s (target %s: %s)%n",
                Report.format(r.value()), r.target(), r.met() ? "met" : "not met"));
        return s.toString();
    }

    private static void row(StringBuilder s, String label, Stats stats) {
        s.append(String.format(Locale.ROOT, "%-66s %14s   [%s - %s]%n", label, Report.grouped(stats.median()),
                Report.grouped(stats.min()), Report.grouped(stats.max())));
    }
}
